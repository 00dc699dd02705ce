// Seeded synthetic merchants shaped like the peer benchmark's records (bench/harness/types.policy).

/** mulberry32: a small seeded PRNG. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TYPES = ['brand_oem', 'brand_direct', 'brand_authorized', 'large_factory', 'wholesale_brand', 'cross_platform', 'medium_factory', 'multi_factory'];

/** Merchants shaped like the peer benchmark's, with a few percent exactly on each threshold. */
export function generateMerchants(n, seed) {
  const r = prng(seed);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const onEdge = () => r() < 0.03;
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const types = [];
    const k = Math.floor(r() * 4);
    for (let j = 0; j < k; j++) {
      const t = pick(TYPES);
      if (!types.includes(t)) types.push(t);
    }
    const base = Math.round(1_500_000 + r() * 3_500_000);
    out[i] = {
      platform_level: 1 + Math.floor(r() * 5),
      violations_serious: r() < 0.07,
      agreements_ok: r() < 0.9,
      merchant_types: types,
      tmall_brand_score: onEdge() ? 2 : Math.round(r() * 50) / 10,
      annual_revenue_cny: onEdge() ? 5_000_000 : Math.round(r() * 12_000_000),
      taobao_crown: r() < 0.12,
      douyin_industry_rank_pct: onEdge() ? 10 : Math.round(r() * 10000) / 100,
      jd_monthly_gmv_cny: onEdge() ? 500_000 : Math.round(r() * 1_200_000),
      paid_orders_by_month: onEdge() ? [3_000_000, 3_000_000, 3_000_000] : [base, Math.round(base * (0.85 + r() * 0.3)), Math.round(base * (0.85 + r() * 0.3))],
      active_merchants: onEdge() ? 1000 : Math.round(r() * 2000),
      qualified_merchants: onEdge() ? 150 : Math.round(r() * 300),
    };
  }
  return out;
}

