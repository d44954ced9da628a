package io.valuetier.schema;

import java.util.List;

/** Names of the output tables in the lake (docs/methods.md, "Output tables"). */
public final class Tables {
  private Tables() {}

  public static final String CUSTOMER_FEATURES = "customer_features";
  public static final String CUSTOMER_TIERS = "customer_tiers";
  public static final String TIER_SUMMARY = "tier_summary";
  public static final String SEGMENT_PROFILES = "segment_profiles";
  public static final String TIER_MIGRATION = "tier_migration";
  /** One row per customer whose tier changed on the date, for syncs into a CRM (docs/bi.md). */
  public static final String TIER_CHANGES = "tier_changes";
  public static final String REJECTED_TRANSACTIONS = "rejected_transactions";
  public static final String RUN_SUMMARY = "run_summary";
  /** Written by the backtest command only, never by a run. */
  public static final String CLV_BACKTEST = "clv_backtest";

  /** Every table a run writes, in write order: run_summary last marks the snapshot complete. */
  public static final List<String> ALL = List.of(
      CUSTOMER_FEATURES, CUSTOMER_TIERS, TIER_SUMMARY, SEGMENT_PROFILES, TIER_MIGRATION, TIER_CHANGES,
      REJECTED_TRANSACTIONS, RUN_SUMMARY);
}
