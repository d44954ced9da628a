package io.valuetier.summary;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code run_summary} table (§9): one row per run with counts, reconciliation, model quality
 * (k-means, lifetime value) and stage times.
 */
public record RunSummary(
    String runId,
    String configHash,
    String status,
    Instant startedAt,
    Instant finishedAt,
    long rowsRead,
    long rowsAccepted,
    long rowsRejected,
    Map<String, Long> rejectedByReason,
    long customers,
    String primaryMethod,
    int k,
    double silhouette,
    Map<Integer, Double> silhouetteByK,
    Map<String, Double> lifetimeParameters,
    Map<String, Double> lifetimeLogLikelihood,
    Map<String, String> lifetimeStatus,
    Map<String, Double> stageSeconds,
    Map<String, Double> lifetimeHoldoutError) {

  public static final StructType SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("config_hash", DataTypes.StringType, false)
      .add("status", DataTypes.StringType, false)
      .add("started_at", DataTypes.TimestampType, false)
      .add("finished_at", DataTypes.TimestampType, false)
      .add("rows_read", DataTypes.LongType, false)
      .add("rows_accepted", DataTypes.LongType, false)
      .add("rows_rejected", DataTypes.LongType, false)
      .add("rejected_by_reason", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType), false)
      .add("customers", DataTypes.LongType, false)
      .add("primary_method", DataTypes.StringType, false)
      .add("k", DataTypes.IntegerType, false)
      .add("silhouette", DataTypes.DoubleType, false)
      .add("silhouette_by_k", DataTypes.createMapType(DataTypes.IntegerType, DataTypes.DoubleType), false)
      // Lifetime value (§7): "bgnbd.r", "gamma_gamma.p", ... → fitted value; model → log-likelihood
      // and → how its optimizer ended ("converged after n iterations: ..." or why it was not fitted).
      .add("lifetime_parameters", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType), false)
      .add("lifetime_log_likelihood", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType), false)
      .add("lifetime_status", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), false)
      .add("stage_seconds", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType), false)
      // model = auto: purchase model → its RMSE per customer on the holdout (empty otherwise); the
      // choice is lifetime_status["model"], the check of p_alive lifetime_status["p_alive"].
      .add("lifetime_holdout_error", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType), false);

  public Dataset<Row> toFrame(SparkSession spark) {
    Row row = RowFactory.create(runId, configHash, status, Timestamp.from(startedAt), Timestamp.from(finishedAt),
        rowsRead, rowsAccepted, rowsRejected, rejectedByReason, customers, primaryMethod, k, silhouette,
        silhouetteByK, lifetimeParameters, lifetimeLogLikelihood, lifetimeStatus, stageSeconds, lifetimeHoldoutError);
    return spark.createDataFrame(List.of(row), SCHEMA);
  }
}
