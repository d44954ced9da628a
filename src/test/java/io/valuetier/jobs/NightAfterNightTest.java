package io.valuetier.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.valuetier.SparkTestSession;
import io.valuetier.config.TieringConfig;
import io.valuetier.generate.SyntheticData;
import io.valuetier.grading.TierStability;
import io.valuetier.schema.Columns;
import io.valuetier.schema.Tables;
import io.valuetier.segmentation.SegmentationDecision;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tiers across nights on generated data (the demo's seed and end date, fewer customers): two
 * consecutive nights, the same nights pseudonymised, then a backfill before them and a rerun.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NightAfterNightTest {
  private static final LocalDate D1 = LocalDate.of(2026, 11, 20);
  private static final LocalDate D2 = LocalDate.of(2026, 11, 21);
  private static final LocalDate BACKFILL = LocalDate.of(2026, 11, 14);
  private static final String KEY = "night-after-night-key";

  @TempDir static Path dir;
  private static SparkSession spark;
  private static TieringConfig config;
  private static TieringConfig pseudonymised;
  private static String plain;
  private static String input;

  @BeforeAll
  static void generate() throws Exception {
    spark = SparkTestSession.get();
    input = dir.resolve("input").toString();
    new SyntheticData(new SyntheticData.Spec(2500, 42, D2, 2, 0.002)).write(spark, input);
    // 2,500 customers: enough for shares of a percent, small enough for the suite. A backfill a week back rejects the week of later orders as future-dated: the ceiling is raised for it.
    String common = "quality.max-rejected-share = 0.2, segmentation { k-min = 3, k-max = 4 }";
    config = load("tiering { lake.catalog = nights, " + common + " }");
    plain = dir.resolve("plain").toString();
    // One catalog name per warehouse: Spark keeps a catalog as first configured for the session.
    pseudonymised = load("tiering { lake.catalog = nights_p, privacy.pseudonymize-customer-id = true, " + common + " }");
  }

  private static TieringConfig load(String text) throws Exception {
    Path file = Files.createTempFile(dir, "conf", ".conf");
    Files.writeString(file, text);
    return TieringConfig.load(Optional.of(file.toFile()));
  }

  private static Dataset<Row> table(String catalog, String name, LocalDate date) {
    return spark.table(catalog + ".tiering." + name).where(col(Columns.SNAPSHOT_DATE).equalTo(java.sql.Date.valueOf(date)));
  }

  private static TieringJob.Result run(TieringConfig c, LocalDate date, String warehouse) {
    return new TieringJob(spark, c, date, Map.of("TIERING_PSEUDONYM_KEY", KEY)::get).run(input, warehouse, false);
  }

  @Test
  @Order(1)
  void theSecondNightChangesFewTiersAndEachForAReasonPseudonymsChangeNothing() {
    run(config, D1, plain);
    TieringJob.Result second = run(config, D2, plain);

    // One more day of data: the earlier model is reused (tonight's customers barely moved from it).
    Row summary = table("nights", Tables.RUN_SUMMARY, D2).first();
    assertTrue(summary.<String>getAs("segmentation_decision").startsWith(SegmentationDecision.REUSED + ": drift "),
        summary.<String>getAs("segmentation_decision"));
    assertEquals(java.sql.Date.valueOf(D1), summary.getAs("segmentation_model_date"));
    assertEquals(java.sql.Date.valueOf(D1), summary.getAs("previous_snapshot_date"));
    assertTrue(summary.<Double>getAs("drift") < config.segmentation().refit().maxDrift());

    Dataset<Row> tiers = table("nights", Tables.CUSTOMER_TIERS, D2);
    long known = tiers.where(col(Columns.PREVIOUS_TIER).isNotNull()).count();
    long changed = tiers.where(col(Columns.TIER_CHANGED)).count();
    assertTrue(known > 1500, "customers graded on both nights: " + known);
    assertTrue(changed <= 0.02 * known, changed + " of " + known + " tiers changed");
    // No change without a reason: every changed tier names the trigger that moved it.
    assertEquals(0, tiers.where(col(Columns.TIER_CHANGED).and(col(Columns.CHANGE_REASON).isin(
        TierStability.MONETARY_CHANGE, TierStability.INACTIVE, TierStability.SCORE_PAST_BOUNDARY).unary_$bang())).count());
    // Inactivity alone never moves a customer up: segment 1 is the best, so an inactive move goes to a higher id.
    List<String> ranked = new ArrayList<>();
    table("nights", Tables.SEGMENT_PROFILES, D2).orderBy(Columns.SEGMENT_ID).collectAsList()
        .forEach(r -> ranked.add(r.getAs(Columns.SEGMENT)));
    for (Row r : tiers.where(col(Columns.CHANGE_REASON).equalTo(TierStability.INACTIVE)).collectAsList()) {
      assertTrue(ranked.indexOf(r.<String>getAs(Columns.TIER)) > ranked.indexOf(r.<String>getAs(Columns.PREVIOUS_TIER)),
          r.getAs(Columns.PREVIOUS_TIER) + " -> " + r.getAs(Columns.TIER));
    }
    // The same segments, with the same names, on both nights.
    assertEquals(SparkTestSession.sorted(table("nights", Tables.SEGMENT_PROFILES, D1).select(Columns.SEGMENT_ID, Columns.SEGMENT)),
        SparkTestSession.sorted(table("nights", Tables.SEGMENT_PROFILES, D2).select(Columns.SEGMENT_ID, Columns.SEGMENT)));

    // The same two nights with pseudonyms: the same tiers, reasons and migration, customer by customer.
    String hidden = dir.resolve("pseudonymised").toString();
    run(pseudonymised, D1, hidden);
    run(pseudonymised, D2, hidden);
    Map<String, String> expected = new HashMap<>();
    for (Row r : tiers.collectAsList()) {
      expected.put(hmac(r.getAs(Columns.CUSTOMER_ID)), stability(r));
    }
    Map<String, String> actual = new HashMap<>();
    table("nights_p", Tables.CUSTOMER_TIERS, D2).collectAsList().forEach(r -> actual.put(r.getAs(Columns.CUSTOMER_ID), stability(r)));
    assertEquals(second.summary().customers(), actual.size());
    assertEquals(expected, actual);
    String[] migration = {Columns.PREVIOUS_TIER, Columns.TIER, Columns.CUSTOMERS};
    assertEquals(SparkTestSession.sorted(table("nights", Tables.TIER_MIGRATION, D2).select(cols(migration))),
        SparkTestSession.sorted(table("nights_p", Tables.TIER_MIGRATION, D2).select(cols(migration))));
  }

  @Test
  @Order(2)
  void tierChangesAreWhatACrmSyncApplies() throws Exception {
    // The plain lake of the first test: D1 a first run, D2 compared with D1.
    Dataset<Row> tiers1 = table("nights", Tables.CUSTOMER_TIERS, D1);
    Dataset<Row> tiers2 = table("nights", Tables.CUSTOMER_TIERS, D2);
    String[] change = {Columns.CUSTOMER_ID, Columns.PREVIOUS_TIER, Columns.TIER, Columns.CHANGE_REASON};
    // A first run: every customer, as a CRM starting from empty needs them.
    Dataset<Row> changes1 = table("nights", Tables.TIER_CHANGES, D1);
    assertEquals(SparkTestSession.sorted(tiers1.select(col(Columns.CUSTOMER_ID), lit(null).cast("string"),
            col(Columns.TIER), lit(TierStability.FIRST_RUN))),
        SparkTestSession.sorted(changes1.select(cols(change))));
    // The next night: customer_tiers' changed and new customers, plus those of D1 not graded on D2.
    Dataset<Row> changes2 = table("nights", Tables.TIER_CHANGES, D2);
    Dataset<Row> moved = tiers2.where(col(Columns.TIER_CHANGED)).select(cols(change));
    Dataset<Row> added = tiers2.where(col(Columns.CHANGE_REASON).equalTo(TierStability.NEW_CUSTOMER)).select(cols(change));
    Dataset<Row> left = tiers1.join(tiers2.select(Columns.CUSTOMER_ID), Columns.CUSTOMER_ID, "left_anti")
        .select(col(Columns.CUSTOMER_ID), col(Columns.TIER), lit(null).cast("string"), lit(TierStability.LEFT_POPULATION));
    long changed = moved.count();
    assertTrue(changed > 0, "a night moves some tiers");
    assertEquals(changed + added.count() + left.count(), changes2.count());
    assertEquals(SparkTestSession.sorted(moved.union(added).union(left)), SparkTestSession.sorted(changes2.select(cols(change))));

    // With pseudonyms: the same rows under the published ids.
    Map<String, String> expected = new HashMap<>();
    changes2.collectAsList().forEach(r -> expected.put(hmac(r.getAs(Columns.CUSTOMER_ID)), change(r)));
    Map<String, String> actual = new HashMap<>();
    table("nights_p", Tables.TIER_CHANGES, D2).collectAsList().forEach(r -> actual.put(r.getAs(Columns.CUSTOMER_ID), change(r)));
    assertEquals(expected, actual);

    // A CRM following the nights with docs/bi.md's MERGE holds the tiers of the last night merged;
    // merging a night again changes nothing.
    spark.sql("CREATE NAMESPACE IF NOT EXISTS nights.crm");
    spark.sql("CREATE TABLE nights.crm.customer_tier (customer_id STRING, tier STRING, change_reason STRING, tier_since DATE)");
    spark.sql(docsStatement("MERGE INTO crm.customer_tier", D1, null));
    spark.sql(docsStatement("MERGE INTO crm.customer_tier", D2, null));
    List<String> tiers = SparkTestSession.sorted(tiers2.select(Columns.CUSTOMER_ID, Columns.TIER));
    Dataset<Row> crm = spark.table("nights.crm.customer_tier");
    assertEquals(tiers, SparkTestSession.sorted(crm.select(Columns.CUSTOMER_ID, Columns.TIER)));
    spark.sql(docsStatement("MERGE INTO crm.customer_tier", D2, null));
    assertEquals(tiers, SparkTestSession.sorted(crm.select(Columns.CUSTOMER_ID, Columns.TIER)));
    // Catching up in one step (docs/bi.md): D2's rows, less the reasons.
    assertEquals(SparkTestSession.sorted(changes2.select(Columns.CUSTOMER_ID, Columns.PREVIOUS_TIER, Columns.TIER)),
        SparkTestSession.sorted(spark.sql(docsStatement("FULL OUTER JOIN", D2, D1))));
  }

  @Test
  @Order(3)
  void aRerunAfterABackfillReproducesTheDate() {
    // The plain lake of the first test: D1 was a first run (nothing before it), D2 followed. A
    // backfill a week before both must change neither: rerunning D1 gives its tables exactly
    // (first_run still, although an earlier snapshot now exists).
    Map<String, List<String>> before = everyTable("nights", D1);
    Map<String, List<String>> before2 = everyTable("nights", D2);
    TieringJob.Result backfill = run(config, BACKFILL, plain);
    // The backfill took the next later date's k rather than choosing its own.
    assertEquals(table("nights", Tables.RUN_SUMMARY, D1).first().<Integer>getAs("k"), backfill.summary().k());
    assertTrue(backfill.summary().segmentationDecision().startsWith("fitted: backfill before the decision of " + D1),
        backfill.summary().segmentationDecision());
    run(config, D1, plain);
    assertSame(before, everyTable("nights", D1));
    // And the night after it, compared with D1 again (its stored previous snapshot): tier_changes
    // and all, the same rows, none twice.
    run(config, D2, plain);
    assertSame(before2, everyTable("nights", D2));
    assertEquals(TierStability.FIRST_RUN, table("nights", Tables.CUSTOMER_TIERS, D1).first().getAs(Columns.CHANGE_REASON));
  }

  private static void assertSame(Map<String, List<String>> before, Map<String, List<String>> after) {
    assertEquals(before.keySet(), after.keySet());
    for (String t : before.keySet()) {
      assertEquals(before.get(t).size(), after.get(t).size(), t + ": rows");
      for (int i = 0; i < before.get(t).size(); i++) {
        assertEquals(before.get(t).get(i), after.get(t).get(i), t + ": row " + i + " of " + before.get(t).size());
      }
    }
  }

  /**
   * The statement of docs/bi.md's sql blocks that holds {@code marker}, comment lines dropped (as
   * src/test/integration/test_trino.py reads them), on this test's catalog: its dates 2026-11-21
   * and 2026-10-31 become {@code date} and {@code synced}.
   */
  private static String docsStatement(String marker, LocalDate date, LocalDate synced) throws java.io.IOException {
    String text = Files.readString(Path.of("docs", "bi.md"));
    java.util.regex.Matcher blocks = java.util.regex.Pattern.compile("```sql\n(.*?)```", java.util.regex.Pattern.DOTALL).matcher(text);
    List<String> found = new ArrayList<>();
    while (blocks.find()) {
      String body = blocks.group(1).lines().filter(l -> !l.strip().startsWith("--"))
          .collect(java.util.stream.Collectors.joining("\n"));
      Arrays.stream(body.split(";")).filter(s -> s.contains(marker)).forEach(s -> found.add(s.strip()));
    }
    assertEquals(1, found.size(), "docs/bi.md should have one statement with " + marker);
    return found.get(0).replace("lake.tiering.", "nights.tiering.").replace("crm.customer_tier", "nights.crm.customer_tier")
        .replace("DATE '2026-11-21'", "DATE '" + date + "'").replace("DATE '2026-10-31'", "DATE '" + synced + "'");
  }

  /** Every column of every table of a date, rows sorted; run_summary without what is per run (id, times). */
  private static Map<String, List<String>> everyTable(String catalog, LocalDate date) {
    Map<String, List<String>> m = new HashMap<>();
    for (String t : Tables.ALL) {
      Dataset<Row> rows = table(catalog, t, date);
      if (t.equals(Tables.RUN_SUMMARY)) {
        rows = rows.drop("run_id", "started_at", "finished_at", "stage_seconds");
      }
      m.put(t, SparkTestSession.sorted(rows));
    }
    return m;
  }

  private static org.apache.spark.sql.Column[] cols(String... names) {
    return Arrays.stream(names).map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new);
  }

  private static String change(Row r) {
    return r.getAs(Columns.PREVIOUS_TIER) + "|" + r.getAs(Columns.TIER) + "|" + r.getAs(Columns.CHANGE_REASON);
  }

  private static String stability(Row r) {
    return r.getAs(Columns.TIER) + "|" + r.getAs(Columns.PREVIOUS_TIER) + "|" + r.getAs(Columns.TIER_CHANGED) + "|"
        + r.getAs(Columns.CHANGE_REASON);
  }

  /** HMAC-SHA256 of a plain id with the test key, in hex: the pseudonym the job should publish. */
  private static String hmac(String id) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return java.util.HexFormat.of().formatHex(mac.doFinal(id.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
