package io.valuetier.grading;

import static io.valuetier.schema.Columns.FREQUENCY;
import static io.valuetier.schema.Columns.F_SCORE;
import static io.valuetier.schema.Columns.MONETARY;
import static io.valuetier.schema.Columns.M_SCORE;
import static io.valuetier.schema.Columns.RECENCY_DAYS;
import static io.valuetier.schema.Columns.RFM_SEGMENT;
import static io.valuetier.schema.Columns.R_SCORE;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * RFM quintile scores and the eight RFM segments (docs/methods.md, "RFM scores and segments").
 *
 * <p>Cut points are the 20/40/60/80 % quantiles over customers active in W (frequency > 0); a
 * score counts the cut points a value exceeds, so equal values always get equal scores. Recency
 * is reversed (most recent = 5). A score is "high" when above that score's mean over the active
 * customers. Requires {@code recency_days, frequency, monetary}; adds {@code r_score, f_score,
 * m_score, rfm_segment}.
 */
public final class RfmGrading {
  public static final String IMPORTANT_VALUE = "Important value";
  public static final String IMPORTANT_DEVELOPMENT = "Important development";
  public static final String IMPORTANT_RETENTION = "Important retention";
  public static final String IMPORTANT_WIN_BACK = "Important win-back";
  public static final String GENERAL_VALUE = "General value";
  public static final String GENERAL_DEVELOPMENT = "General development";
  public static final String GENERAL_RETENTION = "General retention";
  public static final String GENERAL_WIN_BACK = "General win-back";

  private static final double[] QUINTILES = {0.2, 0.4, 0.6, 0.8};

  private RfmGrading() {}

  public static Dataset<Row> withRfmScores(Dataset<Row> features) {
    Dataset<Row> active = features.where(col(FREQUENCY).gt(0));
    List<double[]> cuts = Quantiles.cutPoints(active, QUINTILES, RECENCY_DAYS, FREQUENCY, MONETARY);
    Dataset<Row> scored = features
        .withColumn(R_SCORE, lit(QUINTILES.length + 1).minus(exceeded(col(RECENCY_DAYS), cuts.get(0))))
        .withColumn(F_SCORE, lit(1).plus(exceeded(col(FREQUENCY), cuts.get(1))))
        .withColumn(M_SCORE, lit(1).plus(exceeded(col(MONETARY), cuts.get(2))));
    Row means = scored.where(col(FREQUENCY).gt(0)).agg(avg(R_SCORE), avg(F_SCORE), avg(M_SCORE)).first();
    return scored.withColumn(RFM_SEGMENT, segment(
        high(R_SCORE, means, 0), high(F_SCORE, means, 1), high(M_SCORE, means, 2)));
  }

  /** How many cut points {@code value} is above: 0..4. */
  private static Column exceeded(Column value, double[] cuts) {
    Column n = lit(0);
    Column v = value.cast(DataTypes.DoubleType);
    for (double cut : cuts) {
      n = n.plus(when(v.gt(cut), 1).otherwise(0));
    }
    return n;
  }

  private static Column high(String score, Row means, int i) {
    // With no active customer there is no mean: nobody is "high".
    return means.isNullAt(i) ? lit(false) : col(score).gt(means.getDouble(i));
  }

  private static Column segment(Column r, Column f, Column m) {
    return when(m.and(r).and(f), IMPORTANT_VALUE)
        .when(m.and(r), IMPORTANT_DEVELOPMENT)
        .when(m.and(f), IMPORTANT_RETENTION)
        .when(m, IMPORTANT_WIN_BACK)
        .when(r.and(f), GENERAL_VALUE)
        .when(r, GENERAL_DEVELOPMENT)
        .when(f, GENERAL_RETENTION)
        .otherwise(GENERAL_WIN_BACK);
  }
}
