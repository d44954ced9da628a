package io.valuetier.segmentation;

import static io.valuetier.schema.Columns.FREQUENCY;
import static io.valuetier.schema.Columns.MARGIN;
import static io.valuetier.schema.Columns.MONETARY;
import static io.valuetier.schema.Columns.PROFIT;
import static io.valuetier.schema.Columns.RECENCY_DAYS;
import static io.valuetier.schema.Columns.SEGMENT;
import static io.valuetier.schema.Columns.SEGMENT_ID;
import static io.valuetier.schema.Columns.TENURE_DAYS;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.valuetier.schema.ExactMean;
import io.valuetier.schema.Lookup;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The {@code segment_profiles} table (docs/methods.md, "k-means value segments"): size and centroid in original units of each segment,
 * and the profile → name table: each mean relative to the population's ({@code <feature>_ratio})
 * and what named the segment ({@code named_by}: a naming rule, the value rank, or the earlier
 * model its name was carried from).
 */
public final class SegmentProfiles {
  public static final String CUSTOMERS = "customers";
  public static final String K = "k";
  public static final String SILHOUETTE = "silhouette";
  public static final String NAMED_BY = "named_by";
  public static final String VALUE_RATIO = "value_ratio";
  public static final String RECENCY_RATIO = "recency_ratio";
  public static final String FREQUENCY_RATIO = "frequency_ratio";
  public static final String TENURE_RATIO = "tenure_ratio";
  private static final String POPULATION = "population_";

  private SegmentProfiles() {}

  /** {@code valueColumn}: what ranks segments (monetary or profit), the numerator of value_ratio. */
  public static Dataset<Row> of(Dataset<Row> segmented, SegmentationDecision decision, String valueColumn) {
    Map<Integer, String> namedBy = new LinkedHashMap<>();
    decision.labels().forEach(l -> namedBy.put(l.segmentId(), l.namedBy()));
    Dataset<Row> population = segmented.agg(
        ExactMean.of(col(valueColumn)).as(POPULATION + VALUE_RATIO),
        avg(RECENCY_DAYS).as(POPULATION + RECENCY_RATIO),
        avg(FREQUENCY).as(POPULATION + FREQUENCY_RATIO),
        avg(TENURE_DAYS).as(POPULATION + TENURE_RATIO));
    return segmented.groupBy(col(SEGMENT_ID), col(SEGMENT))
        .agg(
            count(lit(1)).as(CUSTOMERS),
            avg(RECENCY_DAYS).as("mean_" + RECENCY_DAYS),
            avg(FREQUENCY).as("mean_" + FREQUENCY),
            ExactMean.of(col(MONETARY)).as("mean_" + MONETARY),
            ExactMean.of(col(PROFIT)).as("mean_" + PROFIT),
            ExactMean.of(col(MARGIN)).as("mean_" + MARGIN),
            avg(TENURE_DAYS).as("mean_" + TENURE_DAYS),
            ExactMean.of(col(valueColumn)).as("value_mean"))
        .crossJoin(population) // one row
        .withColumn(VALUE_RATIO, col("value_mean").divide(col(POPULATION + VALUE_RATIO)))
        .withColumn(RECENCY_RATIO, col("mean_" + RECENCY_DAYS).divide(col(POPULATION + RECENCY_RATIO)))
        .withColumn(FREQUENCY_RATIO, col("mean_" + FREQUENCY).divide(col(POPULATION + FREQUENCY_RATIO)))
        .withColumn(TENURE_RATIO, col("mean_" + TENURE_DAYS).divide(col(POPULATION + TENURE_RATIO)))
        .withColumn(NAMED_BY, Lookup.of(namedBy, col(SEGMENT_ID), lit(null).cast(DataTypes.StringType)))
        .drop("value_mean", POPULATION + VALUE_RATIO, POPULATION + RECENCY_RATIO, POPULATION + FREQUENCY_RATIO,
            POPULATION + TENURE_RATIO)
        .withColumn(K, lit(decision.k()))
        .withColumn(SILHOUETTE, lit(decision.silhouette()))
        .orderBy(SEGMENT_ID);
  }
}
