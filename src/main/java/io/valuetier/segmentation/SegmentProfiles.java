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

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/** The {@code segment_profiles} table (docs/methods.md, "k-means value segments"): size and centroid in original units of each segment. */
public final class SegmentProfiles {
  public static final String CUSTOMERS = "customers";
  public static final String K = "k";
  public static final String SILHOUETTE = "silhouette";

  private SegmentProfiles() {}

  public static Dataset<Row> of(Dataset<Row> segmented, int k, double silhouette) {
    return segmented.groupBy(col(SEGMENT_ID), col(SEGMENT))
        .agg(
            count(lit(1)).as(CUSTOMERS),
            avg(RECENCY_DAYS).as("mean_" + RECENCY_DAYS),
            avg(FREQUENCY).as("mean_" + FREQUENCY),
            avg(col(MONETARY).cast(DataTypes.DoubleType)).as("mean_" + MONETARY),
            avg(col(PROFIT).cast(DataTypes.DoubleType)).as("mean_" + PROFIT),
            avg(MARGIN).as("mean_" + MARGIN),
            avg(TENURE_DAYS).as("mean_" + TENURE_DAYS))
        .withColumn(K, lit(k))
        .withColumn(SILHOUETTE, lit(silhouette))
        .orderBy(SEGMENT_ID);
  }
}
