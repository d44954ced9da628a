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
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.valuetier.TieringException;
import io.valuetier.config.TieringConfig;
import io.valuetier.io.Materialized;
import io.valuetier.schema.ExactMean;
import io.valuetier.schema.Lookup;
import io.valuetier.segmentation.SegmentationDecision.Label;
import java.time.LocalDate;
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
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.stat.Summarizer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * k-means value segments (docs/methods.md, "k-means value segments"): an MLlib pipeline of log features, standardization and k-means,
 * with k fixed or chosen by silhouette on a sample; clusters are ranked by mean value and named
 * from their profiles ({@link SegmentNaming}), so segment 1 is always the most valuable whatever
 * id k-means gave it. Also measures how far tonight's customers drifted from a model, and carries
 * an earlier model's segments over to a refitted one.
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
    // Only the columns k-means reads, materialized once with a short lineage: the final fit's
    // k-means iterations are Spark jobs, and planning each against the whole graded plan costs more
    // than the arithmetic.
    Column[] needed = java.util.stream.Stream.concat(java.util.stream.Stream.of(CUSTOMER_ID),
            config.features().stream().map(f -> FEATURES.get(f).column())).distinct().map(c -> col(c)).toArray(Column[]::new);
    Dataset<Row> input = Materialized.of(features.select(needed).sortWithinPartitions(CUSTOMER_ID));
    long n = input.count();
    TieringException.check(n >= 2, "k-means needs at least 2 customers, got %d", n);
    Dataset<Row> sample = sampleOf(input, n, config.selectionSampleSize(), config.seed());
    int low = config.k() > 0 ? config.k() : config.kMin();
    int high = Math.min(config.k() > 0 ? config.k() : config.kMax(), (int) Math.min(n - 1, Integer.MAX_VALUE));
    TieringException.check(low <= high, "k-means needs more customers than k = %d, got %d", low, n);

    // k is chosen on the driver: a pipeline fit and an evaluation per k were hundreds of small Spark
    // jobs, nearly all fixed cost. The sample's assembled (unscaled) feature vectors are the one
    // collection of customer rows here: at most selection-sample-size rows of at most six doubles,
    // a bounded, configurable sample for model selection, not customer-level collection. Each
    // scaler (the selection's, the final model's) is applied to them on the driver.
    Dataset<Row> assembled = assembler().transform(logFeatures().transform(sample));
    double[][] raw = rawFeatures(assembled);
    Map<Integer, Double> byK = new LinkedHashMap<>();
    int bestK = low;
    if (config.k() == 0) {
      double[][] scaled = standardized(raw, standardScaler().fit(assembled));
      SampleKMeans.Selection selection = SampleKMeans.select(scaled, low, high, config.seed(), config.maxIterations());
      bestK = selection.k();
      byK.putAll(selection.silhouetteByK());
    }
    // The stored model stays an MLlib pipeline, fitted once at the chosen k.
    Dataset<Row> fitSet = n > config.selectionSampleSize() ? sampleOf(input, n, config.fitSampleSize(), config.seed() + 1)
        : sample;
    PipelineModel best = pipeline(bestK).fit(fitSet);
    fitSet.unpersist();
    sample.unpersist();
    Materialized.release(input);
    double silhouette = silhouette(best, raw);
    if (config.k() > 0) {
      byK.put(bestK, silhouette);
    }
    return new Fitted(best, bestK, silhouette, byK);
  }

  /** The assembled feature vectors of the sample, sorted by customer id so k-means sees them in one order. */
  private static double[][] rawFeatures(Dataset<Row> assembled) {
    List<Row> rows = new ArrayList<>(assembled.select(col(CUSTOMER_ID), col(RAW)).collectAsList());
    rows.sort(Comparator.comparing(r -> String.valueOf(r.get(0))));
    double[][] raw = new double[rows.size()][];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = ((Vector) rows.get(i).get(1)).toArray();
    }
    return raw;
  }

  /** {@code raw} through {@code scaler} as its transform computes it: (x − mean) · (1/std, or 0 when std = 0). */
  private static double[][] standardized(double[][] raw, StandardScalerModel scaler) {
    double[] mean = scaler.mean().toArray();
    double[] std = scaler.std().toArray();
    double[][] scaled = new double[raw.length][];
    for (int i = 0; i < raw.length; i++) {
      scaled[i] = new double[raw[i].length];
      for (int f = 0; f < raw[i].length; f++) {
        scaled[i][f] = (raw[i][f] - mean[f]) * (std[f] == 0 ? 0.0 : 1.0 / std[f]);
      }
    }
    return scaled;
  }

  /** The silhouette of {@code model} on the sample: each point in the model's units, at its nearest centroid. */
  private static double silhouette(PipelineModel model, double[][] raw) {
    double[][] scaled = standardized(raw, scaler(model));
    Vector[] centers = kMeans(model).clusterCenters();
    double[][] c = new double[centers.length][];
    for (int i = 0; i < centers.length; i++) {
      c[i] = centers[i].toArray();
    }
    return SampleKMeans.silhouette(scaled, SampleKMeans.nearest(scaled, c), c.length);
  }

  /**
   * About {@code size} customers (each kept with probability size / n), chosen by a hash of the
   * customer id and the seed alone, in one partition sorted by id, cached. Dataset.sample draws per
   * partition, so its customers, and k-means|| seeded per partition, changed with the input's file
   * layout and the number of cores: the same input locally, on object storage and on a cluster gave
   * different segments. One partition also keeps each k-means iteration (a Spark job over this
   * sample) free of the population's many small tasks and its sums in one order.
   */
  static Dataset<Row> sampleOf(Dataset<Row> input, long n, int size, long seed) {
    Dataset<Row> drawn = n > size ? input.where(uniform(seed).lt((double) size / n)) : input;
    return drawn.coalesce(1).sortWithinPartitions(CUSTOMER_ID).persist(StorageLevel.MEMORY_AND_DISK());
  }

  /** A number in [0, 1) from the customer id and the seed: the top 53 bits of their 64-bit xxhash. */
  private static Column uniform(long seed) {
    return functions.shiftrightunsigned(functions.xxhash64(col(CUSTOMER_ID), lit(seed)), 11)
        .divide(lit((double) (1L << 53)));
  }

  /** Adds {@code segment_id} (1 = most valuable) and {@code segment}, named from tonight's profiles. */
  public Dataset<Row> assign(PipelineModel model, Dataset<Row> features) {
    return assign(model, label(model, features), features);
  }

  /** Adds {@code segment_id} and {@code segment} of each customer's cluster as {@code labels} give them. */
  public Dataset<Row> assign(PipelineModel model, List<Label> labels, Dataset<Row> features) {
    Map<Integer, Integer> idOfCluster = new LinkedHashMap<>();
    Map<Integer, String> nameOfCluster = new LinkedHashMap<>();
    for (Label l : labels) {
      idOfCluster.put(l.cluster(), l.segmentId());
      nameOfCluster.put(l.cluster(), l.segment());
    }
    Column cluster = col(CLUSTER);
    Dataset<Row> named = model.transform(features)
        .withColumn(SEGMENT_ID, Lookup.of(idOfCluster, cluster, lit(null)))
        .withColumn(SEGMENT, Lookup.of(nameOfCluster, cluster, lit(null)));
    return named.drop(CLUSTER, RAW, SCALED).drop(FEATURES.keySet().stream().map(ValueSegmentation::featureColumn).toArray(String[]::new));
  }

  /** Segment ids and names for the clusters of a freshly fitted model, from its segments' profiles. */
  public List<Label> label(PipelineModel model, Dataset<Row> features) {
    return new SegmentNaming(config).name(profiles(model, features));
  }

  public static int clusterCount(PipelineModel model) {
    return kMeans(model).clusterCenters().length;
  }

  /**
   * Size and mean value, recency, frequency and tenure of the customers each cluster of
   * {@code model} takes: k rows to the driver. A cluster that takes nobody gets a profile of zeros
   * (it still needs a distinct name).
   */
  public List<SegmentNaming.Profile> profiles(PipelineModel model, Dataset<Row> features) {
    String valueColumn = "profit".equals(config.rankBy()) ? PROFIT : MONETARY;
    List<Row> rows = model.transform(features).groupBy(CLUSTER)
        .agg(count(lit(1)), coalesce(ExactMean.of(col(valueColumn)), lit(0.0)),
            coalesce(avg(col(RECENCY_DAYS).cast(DataTypes.DoubleType)), lit(0.0)),
            coalesce(avg(col(FREQUENCY).cast(DataTypes.DoubleType)), lit(0.0)),
            coalesce(avg(col(TENURE_DAYS).cast(DataTypes.DoubleType)), lit(0.0)))
        .collectAsList();
    Map<Integer, SegmentNaming.Profile> byCluster = new java.util.TreeMap<>();
    for (Row r : rows) {
      byCluster.put(r.getInt(0), new SegmentNaming.Profile(r.getInt(0), r.getLong(1), r.getDouble(2), r.getDouble(3),
          r.getDouble(4), r.getDouble(5)));
    }
    for (int id = 0; id < clusterCount(model); id++) {
      byCluster.putIfAbsent(id, new SegmentNaming.Profile(id, 0, 0, 0, 0, 0));
    }
    return new ArrayList<>(byCluster.values());
  }

  /**
   * How far tonight's customers have moved from what {@code model} learnt: for each cluster, the
   * distance (in the model's standardized units) between its centroid and the mean of the
   * customers it takes tonight, averaged weighted by those customers. k rows to the driver.
   */
  public static double drift(PipelineModel model, Dataset<Row> features) {
    Vector[] centers = kMeans(model).clusterCenters();
    List<Row> means = model.transform(features).groupBy(CLUSTER)
        .agg(count(lit(1)), Summarizer.mean(col(SCALED)))
        .collectAsList();
    double weighted = 0;
    long n = 0;
    for (Row r : means) {
      long size = r.getLong(1);
      weighted += size * Math.sqrt(Vectors.sqdist(centers[r.getInt(0)], (Vector) r.get(2)));
      n += size;
    }
    return n == 0 ? 0.0 : weighted / n;
  }

  /**
   * Labels for a refitted model that carry the reference model's segments over: each new centroid
   * takes the label of the old centroid it is matched to, the matching of least total distance
   * (compared in the new model's standardized units, the old centroids mapped there through the
   * original feature units). k is at most 8, so all k! matchings are tried.
   */
  public static List<Label> carryOver(PipelineModel reference, List<Label> referenceLabels, PipelineModel refitted,
      LocalDate referenceDate) {
    Vector[] fresh = kMeans(refitted).clusterCenters();
    Vector[] old = inUnitsOf(reference, refitted);
    int k = fresh.length;
    double[][] cost = new double[k][k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        cost[i][j] = Math.sqrt(Vectors.sqdist(fresh[i], old[j]));
      }
    }
    int[] match = Assignment.minimumCost(cost);
    Map<Integer, Label> byCluster = new LinkedHashMap<>();
    referenceLabels.forEach(l -> byCluster.put(l.cluster(), l));
    List<Label> labels = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      Label was = byCluster.get(match[i]);
      labels.add(new Label(i, was.segmentId(), was.segment(), String.format(
          "carried from the model of %s (centroid moved %.3f): %s", referenceDate, cost[i][match[i]], was.namedBy())));
    }
    return labels;
  }

  /** The centroids of {@code from} in the standardized units of {@code to}. */
  private static Vector[] inUnitsOf(PipelineModel from, PipelineModel to) {
    StandardScalerModel a = scaler(from);
    StandardScalerModel b = scaler(to);
    Vector[] centers = kMeans(from).clusterCenters();
    Vector[] mapped = new Vector[centers.length];
    for (int c = 0; c < centers.length; c++) {
      double[] x = centers[c].toArray();
      for (int f = 0; f < x.length; f++) {
        double raw = x[f] * a.std().apply(f) + a.mean().apply(f);
        x[f] = b.std().apply(f) == 0 ? 0 : (raw - b.mean().apply(f)) / b.std().apply(f);
      }
      mapped[c] = Vectors.dense(x);
    }
    return mapped;
  }

  private static KMeansModel kMeans(PipelineModel model) {
    PipelineStage[] stages = model.stages();
    return (KMeansModel) stages[stages.length - 1];
  }

  private static StandardScalerModel scaler(PipelineModel model) {
    for (PipelineStage stage : model.stages()) {
      if (stage instanceof StandardScalerModel s) {
        return s;
      }
    }
    throw new IllegalStateException("segmentation model without a StandardScaler stage");
  }

  private Pipeline pipeline(int k) {
    return new Pipeline().setStages(new PipelineStage[] {
        logFeatures(),
        assembler(),
        standardScaler(),
        new KMeans().setK(k).setSeed(config.seed()).setMaxIter(config.maxIterations())
            .setFeaturesCol(SCALED).setPredictionCol(CLUSTER)
    });
  }

  private SQLTransformer logFeatures() {
    String select = config.features().stream()
        .map(f -> FEATURES.get(f).sql() + " AS " + featureColumn(f))
        .reduce((a, b) -> a + ", " + b).orElseThrow();
    return new SQLTransformer().setStatement("SELECT *, " + select + " FROM __THIS__");
  }

  private VectorAssembler assembler() {
    return new VectorAssembler().setInputCols(config.features().stream().map(ValueSegmentation::featureColumn)
        .toArray(String[]::new)).setOutputCol(RAW).setHandleInvalid("error");
  }

  private static StandardScaler standardScaler() {
    return new StandardScaler().setInputCol(RAW).setOutputCol(SCALED).setWithMean(true).setWithStd(true);
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
