package io.valuetier.grading;

import static io.valuetier.schema.Columns.CHANGE_REASON;
import static io.valuetier.schema.Columns.COMPUTED_TIER;
import static io.valuetier.schema.Columns.CUSTOMERS;
import static io.valuetier.schema.Columns.CUSTOMER_ID;
import static io.valuetier.schema.Columns.MONETARY;
import static io.valuetier.schema.Columns.PREVIOUS_TIER;
import static io.valuetier.schema.Columns.RECENCY_DAYS;
import static io.valuetier.schema.Columns.TIER;
import static io.valuetier.schema.Columns.TIER_CHANGED;
import static io.valuetier.schema.Columns.VALUE_SCORE;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import io.valuetier.config.TieringConfig;
import io.valuetier.io.Joins;
import io.valuetier.schema.Lookup;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The re-grading stability rule (docs/methods.md, "Stability from night to night"): a customer's tier moves to tonight's grade only when that
 * grade differs from the previous snapshot's tier and a trigger fires (monetary moved by more than
 * a share, no order for a while and tonight's grade is lower, or the value score lies well past
 * the boundary it crossed);
 * otherwise the previous tier is kept, so tiers do not flap on small changes.
 *
 * <p>Requires {@code customer_id, computed_tier, monetary, recency_days, value_score}; adds {@code tier, previous_tier, tier_changed, change_reason}.
 */
public final class TierStability {
  public static final String FIRST_RUN = "first_run";
  public static final String NEW_CUSTOMER = "new_customer";
  public static final String UNCHANGED = "unchanged";
  public static final String HELD = "held";
  public static final String MONETARY_CHANGE = "monetary_change";
  public static final String INACTIVE = "inactive";
  public static final String SCORE_PAST_BOUNDARY = "score_past_boundary";
  /** In tier_changes: a customer of the previous snapshot who is not graded tonight (tier null). */
  public static final String LEFT_POPULATION = "left_population";
  /** The previous_tier of customers new since the last snapshot, in tier_migration. */
  public static final String NONE = "(none)";

  private static final String PREV = "prev_";

  private final TieringConfig.Stability config;
  private final TieringConfig.Scoring scoring;
  private final List<String> rankedTiers;

  /** {@code rankedTiers}: the primary method's grades, best first ({@link #rankedTiers}). */
  public TierStability(TieringConfig.Stability config, TieringConfig.Scoring scoring, List<String> rankedTiers) {
    this.config = config;
    this.scoring = scoring;
    this.rankedTiers = List.copyOf(rankedTiers);
  }

  /**
   * The grades of a method from best to worst: what "down" means for the inactivity trigger. The
   * one place this order is declared. segment: by segment_id ({@code segmentNames}, segment 1
   * first); rfm: the eight segments in the order they are decided; abc: A, B, C; value_grade: by
   * grade min, highest first, then the otherwise grade; value_potential: S, A, B, C; lifecycle:
   * Growth, Maturity, Acquisition, Decline, Lost (growing and established customers above new
   * ones, and new ones above those fading or gone).
   */
  public static List<String> rankedTiers(String method, TieringConfig config, List<String> segmentNames) {
    return switch (method) {
      case "segment" -> segmentNames;
      case "rfm" -> List.of(RfmGrading.IMPORTANT_VALUE, RfmGrading.IMPORTANT_DEVELOPMENT, RfmGrading.IMPORTANT_RETENTION,
          RfmGrading.IMPORTANT_WIN_BACK, RfmGrading.GENERAL_VALUE, RfmGrading.GENERAL_DEVELOPMENT,
          RfmGrading.GENERAL_RETENTION, RfmGrading.GENERAL_WIN_BACK);
      case "abc" -> List.of("A", "B", "C");
      case "value_grade" -> {
        List<String> grades = new ArrayList<>();
        config.scoring().grades().stream().sorted(Comparator.comparingDouble(TieringConfig.Grade::min).reversed())
            .forEach(g -> grades.add(g.name()));
        grades.add(config.scoring().otherwise());
        yield grades;
      }
      case "value_potential" -> List.of("S", "A", "B", "C");
      case "lifecycle" -> List.of(CustomerStages.GROWTH_STAGE, CustomerStages.MATURITY, CustomerStages.ACQUISITION,
          CustomerStages.DECLINE, CustomerStages.LOST);
      default -> throw new IllegalArgumentException("no tier order for method " + method);
    };
  }

  /** {@code previous}: the last snapshot's customer_tiers, or empty on the first run. */
  public Dataset<Row> apply(Dataset<Row> current, Optional<Dataset<Row>> previous) {
    if (previous.isEmpty() || !config.enabled()) {
      return current
          .withColumn(TIER, col(COMPUTED_TIER))
          .withColumn(PREVIOUS_TIER, lit(null).cast(DataTypes.StringType))
          .withColumn(TIER_CHANGED, lit(false))
          .withColumn(CHANGE_REASON, lit(previous.isEmpty() ? FIRST_RUN : "stability_disabled"));
    }
    Dataset<Row> prior = previous.get().select(
        col(CUSTOMER_ID),
        col(TIER).as(PREVIOUS_TIER),
        col(MONETARY).cast(DataTypes.DoubleType).as(PREV + MONETARY),
        col(VALUE_SCORE).as(PREV + VALUE_SCORE));
    Dataset<Row> joined = Joins.withNarrow(current, prior, "left");
    Column reason = when(col(PREVIOUS_TIER).isNull(), NEW_CUSTOMER)
        .when(col(COMPUTED_TIER).equalTo(col(PREVIOUS_TIER)), UNCHANGED)
        .when(monetaryChanged(), MONETARY_CHANGE)
        // Inactivity only ever moves a customer down: an idle customer is not promoted, nor moved
        // sideways, because tonight's grade happens to differ.
        .when(col(RECENCY_DAYS).geq(config.inactiveDays()).and(isDown()), INACTIVE)
        .when(scorePastBoundary(), SCORE_PAST_BOUNDARY)
        .otherwise(HELD);
    Column moves = reason.isin(NEW_CUSTOMER, MONETARY_CHANGE, INACTIVE, SCORE_PAST_BOUNDARY);
    Column tier = when(moves, col(COMPUTED_TIER)).otherwise(col(PREVIOUS_TIER));
    return joined
        .withColumn(TIER, tier)
        .withColumn(TIER_CHANGED, col(PREVIOUS_TIER).isNotNull().and(tier.notEqual(col(PREVIOUS_TIER))))
        .withColumn(CHANGE_REASON, reason)
        .drop(PREV + MONETARY, PREV + VALUE_SCORE);
  }

  /** tier_migration (docs/methods.md, "Stability from night to night"): customers from each previous tier (or none) to each tier. */
  public static Dataset<Row> migration(Dataset<Row> tiers) {
    return tiers.groupBy(coalesce(col(PREVIOUS_TIER), lit(NONE)).as(PREVIOUS_TIER), col(TIER))
        .agg(count(lit(1)).as(CUSTOMERS));
  }

  /**
   * tier_changes (docs/methods.md, "Stability from night to night"; docs/bi.md, "tier_changes: what
   * a CRM sync applies"): {@code customer_id, previous_tier, tier, change_reason}, one row per customer
   * whose tier tonight is not the previous snapshot's, so a sync applies these rows and needs no diff
   * of its own. Without a previous snapshot every customer, {@code first_run}; otherwise customers
   * new tonight ({@code new_customer}, previous_tier null), customers whose tier moved (tonight's
   * change_reason), and customers of the previous snapshot not graded tonight ({@code
   * left_population}, tier null). Compared with the previous snapshot itself rather than with
   * tonight's previous_tier, which is empty with stability disabled.
   *
   * <p>{@code tiers}: tonight's rows of {@link #apply}; {@code previous}: the snapshot it was given.
   */
  public static Dataset<Row> changes(Dataset<Row> tiers, Optional<Dataset<Row>> previous) {
    Dataset<Row> tonight = tiers.select(col(CUSTOMER_ID), col(TIER), col(CHANGE_REASON));
    if (previous.isEmpty()) {
      return tonight.select(col(CUSTOMER_ID), lit(null).cast(DataTypes.StringType).as(PREVIOUS_TIER), col(TIER),
          lit(FIRST_RUN).as(CHANGE_REASON));
    }
    Dataset<Row> before = previous.get().select(col(CUSTOMER_ID), col(TIER).as(PREVIOUS_TIER));
    // Every customer graded tonight has a change_reason: without one, the row is the previous
    // snapshot's alone.
    Column reason = when(col(CHANGE_REASON).isNull(), LEFT_POPULATION)
        .when(col(PREVIOUS_TIER).isNull(), NEW_CUSTOMER)
        .otherwise(col(CHANGE_REASON));
    return tonight.join(before, CUSTOMER_ID, "full_outer")
        .where(not(col(TIER).eqNullSafe(col(PREVIOUS_TIER))))
        .select(col(CUSTOMER_ID), col(PREVIOUS_TIER), col(TIER), reason.as(CHANGE_REASON));
  }

  /** Tonight's grade ranks below the previous tier; false when either is not a ranked grade. */
  private Column isDown() {
    Map<String, Integer> rank = new LinkedHashMap<>();
    for (int i = 0; i < rankedTiers.size(); i++) {
      rank.put(rankedTiers.get(i), i);
    }
    Column now = Lookup.of(rank, col(COMPUTED_TIER), lit(null));
    Column before = Lookup.of(rank, col(PREVIOUS_TIER), lit(null));
    return coalesce(now.gt(before), lit(false));
  }

  private Column monetaryChanged() {
    Column now = col(MONETARY).cast(DataTypes.DoubleType);
    Column before = col(PREV + MONETARY);
    // From nothing to something (or back) is a change of any size.
    return when(before.gt(0), abs(now.minus(before)).divide(before).gt(config.monetaryChange()))
        .otherwise(now.gt(0));
  }

  /**
   * value_score crossed a value_grade boundary since the last snapshot and now lies more than
   * score-margin past it: up, the bound of the grade it rose into; down, the bound of the grade it left.
   */
  private Column scorePastBoundary() {
    Column score = col(VALUE_SCORE);
    Column before = col(PREV + VALUE_SCORE);
    Column upBound = boundAtOrBelow(score);
    Column up = score.gt(before).and(upBound.gt(before)).and(score.minus(upBound).gt(config.scoreMargin()));
    Column downBound = boundAtOrBelow(before);
    Column down = score.lt(before).and(downBound.gt(score)).and(downBound.minus(score).gt(config.scoreMargin()));
    return coalesce(up.or(down), lit(false));
  }

  /** The highest grade lower bound at or below {@code score}; null below every grade. */
  private Column boundAtOrBelow(Column score) {
    Column bound = lit(null).cast(DataTypes.DoubleType);
    // Grades are sorted by min descending; built from the lowest up, the highest reached bound wins.
    java.util.List<TieringConfig.Grade> grades = scoring.grades();
    for (int i = grades.size() - 1; i >= 0; i--) {
      double min = grades.get(i).min();
      bound = when(score.geq(min), lit(min)).otherwise(bound);
    }
    return bound;
  }
}
