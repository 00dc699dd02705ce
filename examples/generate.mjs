// Writes examples/douyin-belt-providers.ndjson: 300 synthetic industry-belt
// service providers for the policy douyin.belt_provider, one JSON object per
// line ({ "id", "name", "paid_orders", "bound_merchants" }).
//
//   node examples/generate.mjs            # from the repository root
//
// Deterministic: a fixed seed and a seeded PRNG (mulberry32), no Date.now(),
// no Math.random(); the same Node version writes the same bytes every time.
//
// The data is shaped for evaluation on 2023-09-08, when the 3-natural-month
// period is 2023-06..2023-08; those three months are the only ones given.
// The numbers are synthetic, not real providers. About 3 % of providers sit
// exactly on a silver threshold of version 2023-09-08 (paid orders exactly
// 900万, exactly 1000 active merchants) so that >= versus > shows. The
// per-industry 达标商家标准 (industry_threshold) is a placeholder in the
// policy: supply it with --params to count service-qualified merchants.

import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SEED = 20230908;
const PROVIDERS = 300;
const MONTHS = ['2023-06', '2023-07', '2023-08'];
const INDUSTRIES = ['服饰内衣', '鞋靴箱包', '食品饮料', '美妆', '家居家纺', '日用百货', '珠宝文玩', '3C数码'];
const BELTS = ['湖州织里童装', '义乌小商品', '德化陶瓷', '晋江运动鞋', '虎门女装', '白沟箱包', '临沂商贸', '曹县汉服', '南通家纺', '潮汕玩具', '佛山家具', '东莞毛织'];

/** mulberry32: a small, fast, seedable PRNG returning floats in [0, 1). */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = mulberry32(SEED);
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
/** Log-normal around `median` (Box–Muller), rounded to an integer >= 0. */
function lognormal(median, sigma) {
  const u = 1 - rand();
  const v = rand();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.max(0, Math.round(median * Math.exp(sigma * z)));
}
const pad = (n, w) => String(n).padStart(w, '0');

/** Monthly paid orders summing exactly to `total` over the three months. */
function splitTotal(total) {
  const a = Math.floor(total / 3);
  return { [MONTHS[0]]: a, [MONTHS[1]]: a, [MONTHS[2]]: total - 2 * a };
}

function makeProvider(index) {
  const id = `dy-bp-${pad(index + 1, 3)}`;
  const size = rand();
  // Most providers are small; a few bind more than a thousand merchants.
  const merchantCount = size < 0.05 ? int(980, 1300) : size < 0.19 ? int(150, 350) : int(8, 110);
  const strength = lognormal(1, 0.8); // how busy this provider's merchants are
  const activeShare = 0.55 + rand() * 0.43;
  const industries = [pick(INDUSTRIES), pick(INDUSTRIES), pick(INDUSTRIES)];

  const edge = rand();
  // Exactly 1000 active merchants for ~1.5 % of providers.
  const exactActive = edge < 0.015;
  const count = exactActive ? 1000 + int(0, 40) : merchantCount;

  const bound_merchants = [];
  for (let m = 0; m < count; m++) {
    const active = exactActive ? m < 1000 : rand() < activeShare;
    const orders = {};
    for (const month of MONTHS) orders[month] = active && rand() < 0.8 ? lognormal(180 * strength, 1.1) : 0;
    if (active && MONTHS.every((month) => orders[month] === 0)) orders[MONTHS[int(0, 2)]] = 1 + int(0, 20);
    bound_merchants.push({ merchant_id: `m${pad(m + 1, 4)}`, industry: pick(industries), orders });
  }

  // Paid-order contribution: merchants' orders scaled up (paid orders of the
  // bound merchants exceed the orders attributed to the provider), with noise.
  let total = 0;
  for (const bm of bound_merchants) for (const month of MONTHS) total += bm.orders[month];
  total = Math.round(total * (6 + rand() * 30));
  // Exactly 9,000,000 (the silver threshold) for ~1.5 % of providers.
  if (edge >= 0.015 && edge < 0.03) total = 9_000_000;

  return {
    id,
    name: `${pick(BELTS)}产业带服务商${pad(index + 1, 3)}(合成数据)`,
    paid_orders: splitTotal(total),
    bound_merchants,
  };
}

const lines = [];
for (let i = 0; i < PROVIDERS; i++) lines.push(JSON.stringify(makeProvider(i)));
const out = join(dirname(fileURLToPath(import.meta.url)), 'douyin-belt-providers.ndjson');
writeFileSync(out, lines.join('\n') + '\n');
console.log(`wrote ${lines.length} providers to ${out}`);
