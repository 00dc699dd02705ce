#!/usr/bin/env node
// Time to format a generated 10,000-line policy with Prettier and the Bylaw
// plugin (the built package: run `npx tsc -b` first). Target: under 1 s.
//
//   node bench/format.mjs [lines]
//
// The file mixes every construct of the grammar, comments of all kinds and
// long expressions written carelessly (one line, odd spacing), so that the
// printer has real work to do. Timings are warm: a few runs first, then the
// median of the timed runs.
import { performance } from 'node:perf_hooks';

const root = new URL('../', import.meta.url);
const pluginUrl = new URL('packages/prettier-plugin-bylaw/dist/index.js', root);
// The workspace root has no node_modules/prettier; the plugin package has.
const prettierUrl = new URL('packages/prettier-plugin-bylaw/node_modules/prettier/index.mjs', root);

const target = Number(process.argv[2] ?? 10_000);
const WARMUP = 3;
const RUNS = 7;

function header() {
  return `// Generated for bench/format.mjs.
policy bench.format "格式化基准测试(生成)"
  version "bench"   published 2023-07-28
  effective 2023-08-04 until 2024-08-04
  source "bench/format.mjs"
  timezone "Asia/Shanghai"

subject merchant: Merchant

enum Level "平台等级" { L1 < L2 < L3 < L4 < L5 }
`;
}

/** One unit of about 60 lines; `i` keeps names unique. */
function unit(i) {
  return `
// ---------------------------------------------------------------- 第${i}组

enum Kind${i} "商家类型${i}" { brand_oem_${i} "知名品牌代工厂", brand_direct_${i} "品牌直营", large_factory_${i} "大型工厂", medium_factory_${i} "中型工厂" }

type Shop${i} "店铺${i}" {
  shop_id: string "店铺ID"
  level: Level "平台等级"   // trailing comment
  kinds: list of Kind${i} "申报的商家类型"
  orders: monthly number "月订单量"
  gmv?: number "月GMV(元)"
  banned: bool = false "存在严重违规"
}

param min_gmv_${i} "月GMV门槛(50万及以上)": number = 50万
param labs_${i} "第三方检测机构": list of string = ["SGS", "ITS", "BV", "华测", "中检", "小米有品", "必要", "考拉工厂店", "严选", "京东京造"]
placeholder threshold_${i} "达标商家标准(原文未给出)": table string -> number
let period_${i} "评定周期" = last 3 natural months
let active_${i} "动销商家数" = count(m in merchant.shops where any(v in m.orders during period_${i}: v > threshold_${i}["服饰"]))
let score_${i} = if merchant.level >= L3 then (merchant.gmv + 1_000) * 2 / 3 - 5% else -1

table tone_${i} "品牌调性分门槛": Kind${i} -> number {
  brand_oem_${i}: 2
  // the default row
  default: 3
}

criterion standard_${i} "第${i}组标准" cites "准入标准·第${i}条":
  all of {
    level_ok "平台等级达到L3及以上" cites "第一": merchant.level >= L3 and merchant.level <= L5
    /* a block comment
       on two lines */
    kinds "商家类型(符合任意其一)" cites "第四": any of {
      oem "知名品牌代工厂": brand_oem_${i} in merchant.kinds
      large "大型工厂(国家规上工厂名录/国家级/省市级专精特新工厂)": large_factory_${i} in merchant.kinds and (merchant.on_list or merchant.list_level in [national_list, provincial_list, municipal_list])
      at least 2 of { merchant.gmv >= min_gmv_${i}
        active_${i} > 10   merchant.name starts with "严选" }
    }
    not merchant.banned and merchant.nickname is present and not (merchant satisfies bench.other)
    recent "近一年内": merchant.approved_on >= today - 1 year and merchant.approved_at + 24 hours <= now
  }

decide {
  admit when standard_${i}
  exclude banned_${i} "存在严重违规" cites "不招商类型": merchant.banned
  tier gold_${i} "金牌" cites "等级划分": standard_${i} and score_${i} > 2
  default tier base_${i} "基础"
  prefer fast_${i} "优先": sum(merchant.orders during period_${i}) > 900万
  benefit badge_${i} "专享商品认证标签" cites "商家权益" for gold_${i}, base_${i}
}
`;
}

function generate(lines) {
  const parts = [header()];
  let count = parts[0].split('\n').length;
  for (let i = 1; count < lines; i++) {
    const u = unit(i);
    parts.push(u);
    count += u.split('\n').length - 1;
  }
  return parts.join('');
}

const prettier = await import(prettierUrl.href);
const plugin = (await import(pluginUrl.href)).default;
const text = generate(target);
const options = { parser: 'bylaw', plugins: [plugin] };

let formatted = '';
for (let i = 0; i < WARMUP; i++) formatted = await prettier.format(text, options);
const times = [];
for (let i = 0; i < RUNS; i++) {
  const start = performance.now();
  formatted = await prettier.format(text, options);
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
const stable = (await prettier.format(formatted, options)) === formatted;

const lines = text.split('\n').length;
console.log(`format ${lines} lines (${text.length} chars) → ${formatted.split('\n').length} lines`);
console.log(`  median ${median.toFixed(0)} ms, min ${times[0].toFixed(0)} ms over ${RUNS} warm runs (target < 1000 ms)`);
console.log(`  second pass unchanged: ${stable ? 'yes' : 'NO'}`);
if (process.argv.includes('--print')) process.stdout.write(formatted);
if (!stable || median >= 1000) process.exitCode = 1;
