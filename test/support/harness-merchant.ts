/**
 * A merchant record of the benchmark harness rules (bench/harness/types.policy),
 * varied by its number: the batch tests decide many of them and check each.
 */
export function harnessMerchant(i: number) {
  return {
    platform_level: 1 + (i % 5),
    violations_serious: i % 13 === 0,
    agreements_ok: i % 7 !== 0,
    merchant_types: i % 3 === 0 ? ['brand_oem'] : i % 3 === 1 ? ['medium_factory'] : [],
    tmall_brand_score: 2,
    annual_revenue_cny: i % 2 === 0 ? 5_000_000 : 4_999_999,
    taobao_crown: false,
    douyin_industry_rank_pct: 50,
    jd_monthly_gmv_cny: 0,
    paid_orders_by_month: [1, 2, 3],
    active_merchants: 0,
    qualified_merchants: 0,
  };
}

/** bench.admission written by hand for the merchants above (only brand_oem and medium_factory occur). */
export function harnessAdmitted(m: ReturnType<typeof harnessMerchant>): boolean {
  const t = m.merchant_types;
  return m.platform_level >= 3 && !m.violations_serious && m.agreements_ok && (t.includes('brand_oem') || (t.includes('medium_factory') && m.annual_revenue_cny >= 5_000_000));
}
