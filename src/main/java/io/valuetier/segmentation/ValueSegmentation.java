package io.valuetier.segmentation;

import static io.valuetier.schema.Columns.CLV;
import static io.valuetier.schema.Columns.CUSTOMER_ID;
import static io.valuetier.schema.Columns.FREQUENCY;
import static io.valuetier.schema.Columns.MARGIN;
import static io.valuetier.schema.Columns.MONETARY;
import static io.valuetier.schema.Columns.PROFIT;
import static io.valuetier.schema.Columns.RECENCY_DAYS;
import static io.valuetier.schema.Columns.SEGMENT;
import static io.valuetier.schema.Columns.SEGMENT_ID;
import static io.valuetier.schema.Columns.TENURE_DAYS;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.valuetier.TieringException;
import io.valuetier.config.TieringConfig;
import io.valuetier.schema.Lookup;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.evaluation.ClusteringEvaluator;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * k-means value segments (docs/methods.md, "k-means value segments"): an MLlib pipeline of log features, standardization and k-means,
 * with k fixed or chosen by silhouette on a sample; clusters are ranked by mean value and named
 * from the configured list, so segment 1 is always the most valuable whatever id k-means gave it.
 */
public final class ValueSegmentation {
  /** Feature names usable in {@code tiering.segmentation.features}, with their column and SQL. */
  private static final Map<String, Feature> FEATURES = features();

  /** A k-means feature: the customer_tiers column it is computed from, and the SQL that computes it. */
  private record Feature(String column, String sql) {
    /** {@code template} with {@code {c}} standing for the column. */
    static Feature of(String column, String template) {
      return new Feature(column, template.replace("{c}", column));
    }
  }

  private static final String RAW = "seg_raw";
  private static final String SCALED = "seg_scaled";
  private static final String CLUSTER = "seg_cluster";

  private final TieringConfig.Segmentation config;

  public ValueSegmentation(TieringConfig.Segmentation config) {
    this.config = config;
  }

  /** A fitted pipeline with the quality figures of its fit. */
  public record Fitted(PipelineModel model, int k, double silhouette, Map<Integer, Double> silhouetteByK) {}

  /**
   * Fits the pipeline: the fixed k, or the k of best silhouette in [k-min, k-max] on a sample; the
   * final model on at most fit-sample-size customers.
   */
  public Fitted fit(Dataset<Row> features) {
    // Only the columns k-means reads, materialized once with a short lineage: every k-means
    // iteration is a Spark job, and planning each against the whole graded plan costs more than
    // the arithmetic (hundreds of jobs per run).
    Column[] needed = java.util.stream.Stream.concat(java.util.stream.Stream.of(CUSTOMER_ID),
            config.features().stream().map(f -> FEATURES.get(f).column())).distinct().map(c -> col(c)).toArray(Column[]::new);
    Dataset<Row> input = features.select(needed).sortWithinPartitions(CUSTOMER_ID).localCheckpoint();
    long n = input.count();
    TieringException.check(n >= 2, "k-means needs at least 2 customers, got %d", n);
    Dataset<Row> sample = sampleOf(input, n, config.selectionSampleSize(), config.seed());
    int low = config.k() > 0 ? config.k() : config.kMin();
    int high = Math.min(config.k() > 0 ? config.k() : config.kMax(), (int) Math.min(n - 1, Integer.MAX_VALUE));
    TieringException.check(low <= high, "k-means needs more customers than k = %d, got %d", low, n);

    Map<Integer, Double> byK = new LinkedHashMap<>();
    PipelineModel best = null;
    int bestK = -1;
    for (int k = low; k <= high; k++) {
      PipelineModel model = pipeline(k).fit(sample);
      double score = silhouette(model, sample);
      byK.put(k, score);
      if (best == null || score > byK.get(bestK)) {
        best = model;
        bestK = k;
      }
    }
    if (n > config.selectionSampleSize()) {
      Dataset<Row> fitSet = sampleOf(input, n, config.fitSampleSize(), config.seed() + 1);
      best = pipeline(bestK).fit(fitSet);
      fitSet.unpersist();
    }
    double silhouette = silhouette(best, sample);
    sample.unpersist();
    return new Fitted(best, bestK, silhouette, byK);
  }

  /**
   * At most {@code size} customers drawn at random (seeded), in as few partitions as there are
   * cores, cached: each k-means iteration is a Spark job over it, and at these sizes the per-task
   * overhead of the population's many shuffle partitions would dominate the arithmetic.
   */
  private static Dataset<Row> sampleOf(Dataset<Row> input, long n, int size, long seed) {
    Dataset<Row> drawn = n > size ? input.sample(false, (double) size / n, seed) : input;
    int cores = input.sparkSession().sparkContext().defaultParallelism();
    return drawn.coalesce(Math.max(1, cores)).persist(StorageLevel.MEMORY_AND_DISK());
  }

  /** Adds {@code segment_id} (1 = most valuable) and {@code segment} (its configured name). */
  public Dataset<Row> assign(PipelineModel model, Dataset<Row> features) {
    Dataset<Row> predicted = model.transform(features);
    int k = clusterCount(model);
    List<String> names = config.namesFor(k);
    Map<Integer, Integer> rankOfCluster = rankClusters(predicted, k);
    Map<Integer, String> nameOfCluster = new LinkedHashMap<>();
    rankOfCluster.forEach((cluster, rank) -> nameOfCluster.put(cluster, names.get(rank - 1)));
    Column cluster = col(CLUSTER);
    Dataset<Row> named = predicted
        .withColumn(SEGMENT_ID, Lookup.of(rankOfCluster, cluster, lit(null)))
        .withColumn(SEGMENT, Lookup.of(nameOfCluster, cluster, lit(null)));
    return named.drop(CLUSTER, RAW, SCALED).drop(FEATURES.keySet().stream().map(ValueSegmentation::featureColumn).toArray(String[]::new));
  }

  public static int clusterCount(PipelineModel model) {
    PipelineStage[] stages = model.stages();
    return ((KMeansModel) stages[stages.length - 1]).clusterCenters().length;
  }

  /** Rank 1..k of each cluster id by mean value (monetary or profit), ties by cluster id. */
  private Map<Integer, Integer> rankClusters(Dataset<Row> predicted, int k) {
    String valueColumn = "profit".equals(config.rankBy()) ? PROFIT : MONETARY;
    List<Row> means = predicted.groupBy(CLUSTER)
        .agg(coalesce(avg(col(valueColumn).cast(DataTypes.DoubleType)), lit(0.0)))
        .collectAsList();
    List<double[]> clusters = new ArrayList<>();
    for (Row r : means) {
      clusters.add(new double[] {r.getInt(0), r.getDouble(1)});
    }
    clusters.sort(Comparator.<double[]>comparingDouble(c -> -c[1]).thenComparingDouble(c -> c[0]));
    Map<Integer, Integer> rank = new LinkedHashMap<>();
    for (double[] c : clusters) {
      rank.put((int) c[0], rank.size() + 1);
    }
    // A cluster k-means left empty still needs a rank so every name stays in use consistently.
    for (int id = 0; id < k; id++) {
      rank.putIfAbsent(id, rank.size() + 1);
    }
    return rank;
  }

  private Pipeline pipeline(int k) {
    List<String> features = config.features();
    String select = features.stream()
        .map(f -> FEATURES.get(f).sql() + " AS " + featureColumn(f))
        .reduce((a, b) -> a + ", " + b).orElseThrow();
    return new Pipeline().setStages(new PipelineStage[] {
        new SQLTransformer().setStatement("SELECT *, " + select + " FROM __THIS__"),
        new VectorAssembler().setInputCols(features.stream().map(ValueSegmentation::featureColumn).toArray(String[]::new))
            .setOutputCol(RAW).setHandleInvalid("error"),
        new StandardScaler().setInputCol(RAW).setOutputCol(SCALED).setWithMean(true).setWithStd(true),
        new KMeans().setK(k).setSeed(config.seed()).setMaxIter(config.maxIterations())
            .setFeaturesCol(SCALED).setPredictionCol(CLUSTER)
    });
  }

  private static double silhouette(PipelineModel model, Dataset<Row> sample) {
    Dataset<Row> predicted = model.transform(sample);
    if (predicted.select(CLUSTER).distinct().limit(2).count() < 2) {
      return 0.0; // one cluster: silhouette is undefined, and such a k is never preferred
    }
    return new ClusteringEvaluator().setFeaturesCol(SCALED).setPredictionCol(CLUSTER)
        .setMetricName("silhouette").evaluate(predicted);
  }

  private static String featureColumn(String feature) {
    return "seg_f_" + feature;
  }

  private static Map<String, Feature> features() {
    Map<String, Feature> f = new LinkedHashMap<>();
    f.put("recency", Feature.of(RECENCY_DAYS, "log1p(CAST({c} AS DOUBLE))"));
    f.put("frequency", Feature.of(FREQUENCY, "log1p(CAST({c} AS DOUBLE))"));
    f.put("monetary", Feature.of(MONETARY, "log1p(GREATEST(CAST({c} AS DOUBLE), 0D))"));
    // Margin of tiny revenues can be extreme; clip to [-1, 1], and no margin counts as 0.
    f.put("margin", Feature.of(MARGIN, "LEAST(GREATEST(COALESCE({c}, 0D), -1D), 1D)"));
    f.put("tenure", Feature.of(TENURE_DAYS, "log1p(CAST({c} AS DOUBLE))"));
    // Predicted value (docs/methods.md, "Lifetime value") spans orders of magnitude and can be negative: a signed log; none is 0.
    f.put("clv", Feature.of(CLV, "SIGNUM(COALESCE({c}, 0D)) * log1p(ABS(COALESCE({c}, 0D)))"));
    return f;
  }

}
