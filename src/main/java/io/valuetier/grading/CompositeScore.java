package io.valuetier.grading;

import static io.valuetier.schema.Columns.CUSTOMER_ID;
import static io.valuetier.schema.Columns.PURCHASE_TIMING;
import static io.valuetier.schema.Columns.SCORE_PREFIX;
import static io.valuetier.schema.Columns.VALUE_GRADE;
import static io.valuetier.schema.Columns.VALUE_SCORE;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rank;
import static org.apache.spark.sql.functions.when;

import io.valuetier.config.TieringConfig;
import io.valuetier.io.Joins;
import io.valuetier.lifetime.PurchaseTiming;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Weighted composite score and grade (docs/methods.md, "Composite value score and value grade"): each indicator scored 0–100 by bands or by
 * percentile rank, {@code value_score} = Σ weight × points over the indicators a customer has a
 * value for (weights rescaled to sum to 1 over those), {@code value_grade} by thresholds.
 * Adds {@code score_<indicator>} for each indicator, {@code value_score} and {@code value_grade}.
 */
public final class CompositeScore {
  /** purchase_timing as a number while it is scored (A = 4 … E = 0). */
  private static final String PURCHASE_TIMING_LEVEL = "purchase_timing_level";

  private final TieringConfig.Scoring config;

  public CompositeScore(TieringConfig.Scoring config) {
    this.config = config;
  }

  public Dataset<Row> apply(Dataset<Row> input) {
    Dataset<Row> customers = withGradeLevels(input);
    // Percentile ranks are computed on narrow (id, value) frames from the input, joined with one
    // another first and with the wide customer rows once: one wide shuffle, not one per indicator.
    Dataset<Row> ranks = null;
    for (TieringConfig.Indicator indicator : config.indicators()) {
      if (indicator.percentile()) {
        Dataset<Row> r = percentileRanks(customers, indicator);
        ranks = ranks == null ? r : ranks.join(r, CUSTOMER_ID, "full_outer");
      }
    }
    Dataset<Row> scored = ranks == null ? customers : Joins.withNarrow(customers, ranks, "left");
    for (TieringConfig.Indicator indicator : config.indicators()) {
      if (!indicator.percentile()) {
        scored = scored.withColumn(scoreColumn(indicator), bands(indicator));
      }
    }
    Column weighted = lit(0.0);
    Column weightPresent = lit(0.0);
    for (TieringConfig.Indicator indicator : config.indicators()) {
      double w = config.weights().get(indicator.name());
      Column points = col(scoreColumn(indicator));
      weighted = weighted.plus(when(points.isNotNull(), points.multiply(w)).otherwise(0.0));
      weightPresent = weightPresent.plus(when(points.isNotNull(), lit(w)).otherwise(0.0));
    }
    Column score = when(weightPresent.gt(0), weighted.divide(weightPresent));
    return scored.withColumn(VALUE_SCORE, score).withColumn(VALUE_GRADE, grade(col(VALUE_SCORE))).drop(PURCHASE_TIMING_LEVEL);
  }

  /** The numeric column an indicator scores: a grade column enters by its level. */
  private static String source(TieringConfig.Indicator indicator) {
    return PURCHASE_TIMING.equals(indicator.column()) ? PURCHASE_TIMING_LEVEL : indicator.column();
  }

  /** A grade that an indicator scores gets a whole-number level column for the duration of the scoring. */
  private Dataset<Row> withGradeLevels(Dataset<Row> customers) {
    boolean timing = config.indicators().stream().anyMatch(i -> PURCHASE_TIMING.equals(i.column()));
    return timing ? customers.withColumn(PURCHASE_TIMING_LEVEL, PurchaseTiming.level(col(PURCHASE_TIMING))) : customers;
  }

  public static String scoreColumn(TieringConfig.Indicator indicator) {
    return SCORE_PREFIX + indicator.name();
  }

  /** Points of the first band (highest min first) the value reaches; null stays null. */
  private static Column bands(TieringConfig.Indicator indicator) {
    Column value = col(source(indicator)).cast(DataTypes.DoubleType);
    List<TieringConfig.Band> bands = indicator.bands();
    Column points = when(value.geq(bands.get(0).min()), bands.get(0).points());
    for (TieringConfig.Band b : bands.subList(1, bands.size())) {
      points = points.when(value.geq(b.min()), b.points());
    }
    return when(value.isNotNull(), points.otherwise(indicator.otherwise()));
  }

  /** Percentile rank × 100 among customers with a value; ties share the lowest rank (as percent_rank). */
  private static Dataset<Row> percentileRanks(Dataset<Row> customers, TieringConfig.Indicator indicator) {
    if (customers.schema().apply(source(indicator)).dataType() instanceof IntegralType) {
      Optional<Dataset<Row>> byValue = percentileRanksByValue(customers, indicator);
      if (byValue.isPresent()) {
        return byValue.get();
      }
    }
    String value = "pct_value";
    Column order = indicator.higherIsBetter() ? col(value).asc() : col(value).desc();
    GlobalOrder ordered = new GlobalOrder(
        customers.select(col(CUSTOMER_ID), col(source(indicator)).cast(DataTypes.DoubleType).as(value))
            .where(col(value).isNotNull()),
        order);
    GlobalOrder.Offset offset = ordered.offset(lit(1L));
    double n = offset.total().doubleValue();
    Column globalRank = offset.before().plus(rank().over(ordered.withinPartition()));
    Column percent = n > 1 ? globalRank.minus(1).divide(n - 1).multiply(100.0) : lit(0.0);
    return ordered.rows().select(col(CUSTOMER_ID), percent.as(scoreColumn(indicator)));
  }

  /** Distinct values up to which a whole-number indicator is ranked from its value counts. */
  private static final int MAX_DISTINCT_VALUES = 20_000;

  /**
   * The same percent rank without sorting the population, for whole-number indicators with few
   * distinct values (days, order counts): count customers per value (one aggregate; at most
   * MAX_DISTINCT_VALUES rows, value-level, reach the driver), rank = customers strictly better
   * ranked, and a broadcast join gives each customer the score of its value. Empty when the
   * indicator has more distinct values than that.
   */
  private static Optional<Dataset<Row>> percentileRanksByValue(Dataset<Row> customers, TieringConfig.Indicator indicator) {
    String value = "pct_value";
    List<Row> counts = customers.select(col(source(indicator)).cast(DataTypes.LongType).as(value))
        .where(col(value).isNotNull()).groupBy(value).count()
        .limit(MAX_DISTINCT_VALUES + 1).collectAsList();
    if (counts.size() > MAX_DISTINCT_VALUES) {
      return Optional.empty();
    }
    List<Row> sorted = new ArrayList<>(counts);
    Comparator<Row> ascending = Comparator.comparingLong(r -> r.getLong(0));
    sorted.sort(indicator.higherIsBetter() ? ascending : ascending.reversed());
    long n = sorted.stream().mapToLong(r -> r.getLong(1)).sum();
    List<Row> scores = new ArrayList<>();
    long before = 0;
    for (Row r : sorted) {
      scores.add(RowFactory.create(r.getLong(0), n > 1 ? 100.0 * before / (n - 1) : 0.0));
      before += r.getLong(1);
    }
    StructType schema = new StructType().add(value, DataTypes.LongType).add(scoreColumn(indicator), DataTypes.DoubleType);
    Dataset<Row> scoreOfValue = customers.sparkSession().createDataFrame(scores, schema);
    return Optional.of(customers.select(col(CUSTOMER_ID), col(source(indicator)).cast(DataTypes.LongType).as(value))
        .join(broadcast(scoreOfValue), value).drop(value));
  }

  private Column grade(Column score) {
    List<TieringConfig.Grade> grades = config.grades();
    if (grades.isEmpty()) {
      return when(score.isNotNull(), lit(config.otherwise()));
    }
    Column g = when(score.geq(grades.get(0).min()), grades.get(0).name());
    for (TieringConfig.Grade grade : grades.subList(1, grades.size())) {
      g = g.when(score.geq(grade.min()), grade.name());
    }
    return when(score.isNotNull(), g.otherwise(config.otherwise()));
  }
}
