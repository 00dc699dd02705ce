import { describe, expect, it } from 'vitest';
import { decide, header, load } from './helpers.js';

const asOf = '2024-06-15';

const shop = {
  path: 'shop.policy',
  text: `${header('test.shop', { effective: '2024-01-01' })}
type Shop {
  rating?: number
  gmv?: number
}

subject shop: Shop

decide {
  admit when shop.rating >= 4.5
  tier gold "金牌店铺": shop.gmv >= 100万
  default tier normal "普通店铺"
}
`,
};

const product = {
  path: 'product.policy',
  text: `${header('test.product', { effective: '2024-01-01' })}
type Shop {
  rating?: number
  gmv?: number
}

type Product {
  shop: Shop
  price?: number
}

subject product: Product

decide {
  admit when product.shop satisfies test.shop
  prefer not_recruited "未入驻店铺": not (product.shop satisfies test.shop)
}
`,
};

const registry = load([shop, product]);

describe('cross-policy satisfies', () => {
  it('admitted by the other policy: true', () => {
    const d = decide(registry, 'test.product', { shop: { rating: 4.8, gmv: 10 } }, { asOf });
    expect(d.outcome).toBe('admitted');
    expect(d.priorities[0]?.met).toBe(false);
  });

  it('rejected by the other policy: false', () => {
    const d = decide(registry, 'test.product', { shop: { rating: 4.0, gmv: 10 } }, { asOf });
    expect(d.outcome).toBe('rejected');
    expect(d.reason).toBe('the admission conditions are not met');
    expect(d.priorities[0]?.met).toBe(true);
  });

  it('undetermined by the other policy: unknown, naming the other policy\'s unknown field', () => {
    const d = decide(registry, 'test.product', { shop: { gmv: 10 } }, { asOf });
    expect(d.outcome).toBe('undetermined');
    expect(d.unknown).toEqual(['test.shop: shop.rating']);
    expect(d.priorities[0]?.met).toBe('unknown');
  });

  it('an absent subject value is unknown', () => {
    const d = decide(registry, 'test.product', {}, { asOf });
    expect(d.outcome).toBe('undetermined');
    expect(d.unknown).toEqual(['product.shop']);
  });

  it('admitted by the other policy with its tier undetermined still satisfies it', () => {
    // test.shop admits (rating 4.8) but cannot say gold or normal (gmv unknown): admission is certain.
    const direct = decide(registry, 'test.shop', { rating: 4.8 }, { asOf });
    expect(direct.admission).toBe('admitted');
    expect(direct.outcome).toBe('undetermined');
    const d = decide(registry, 'test.product', { shop: { rating: 4.8 } }, { asOf });
    expect(d.outcome).toBe('admitted');
  });

  it('data errors in the referenced policy are reported with both paths', () => {
    const d = decide(registry, 'test.product', { shop: { rating: '4星' } }, { asOf });
    expect(d.outcome).toBe('undetermined');
    expect(d.dataErrors).toEqual([{ path: 'product.shop (test.shop: shop.rating)', message: 'expected a number, got "4星" (a string)' }]);
  });

  it('a referenced policy not in force on the date is unknown', () => {
    const later = load([
      { path: 'shop.policy', text: shop.text.replace('effective 2024-01-01', 'effective 2024-07-01').replace('published 2024-01-01', 'published 2024-07-01') },
      product,
    ]);
    const d = decide(later, 'test.product', { shop: { rating: 4.8, gmv: 1 } }, { asOf });
    expect(d.outcome).toBe('undetermined');
    expect(d.unknown).toEqual(['policy test.shop']);
    expect(decide(later, 'test.product', { shop: { rating: 4.8, gmv: 1 } }, { asOf: '2024-07-01' }).outcome).toBe('admitted');
  });

  it('the version of the referenced policy in force on the same date is used', () => {
    const strict = {
      path: 'shop2.policy',
      text: shop.text
        .replace('version "1"', 'version "2"')
        .replace(/published 2024-01-01\n  effective 2024-01-01/, 'published 2024-06-01\n  effective 2024-06-01')
        .replace('shop.rating >= 4.5', 'shop.rating >= 4.9'),
    };
    const both = load([shop, strict, product]);
    expect(decide(both, 'test.product', { shop: { rating: 4.8, gmv: 1 } }, { asOf: '2024-05-31' }).outcome).toBe('admitted');
    expect(decide(both, 'test.product', { shop: { rating: 4.8, gmv: 1 } }, { asOf: '2024-06-01' }).outcome).toBe('rejected');
  });
});
