package io.valuetier.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import io.valuetier.TieringException;
import io.valuetier.grading.Ahp;
import io.valuetier.schema.Columns;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The job's whole configuration, read once from HOCON and validated before any work
 * (defaults: conf/defaults.conf).
 */
public record TieringConfig(
    int windowDays,
    Input input,
    Quality quality,
    Abc abc,
    Segmentation segmentation,
    Scoring scoring,
    Lifecycle lifecycle,
    Credit credit,
    ValuePotential valuePotential,
    LifetimeValue lifetimeValue,
    Stability stability,
    String primaryMethod,
    Map<String, Map<String, String>> treatments,
    Lake lake,
    Privacy privacy,
    int shufflePartitions,
    String hash) {

  /** Where the input tables are and how their columns are named. */
  public record Input(
      String transactions, String customers, String invoices, Map<String, String> columns) {}

  /** Data-quality limits (§3). */
  public record Quality(double maxRejectedShare) {}

  /** ABC/Pareto class boundaries (§5.2). */
  public record Abc(double aShare, double bShare) {}

  /** k-means value segmentation (§6). */
  public record Segmentation(
      int k,
      boolean keepK,
      int kMin,
      int kMax,
      long seed,
      int maxIterations,
      int selectionSampleSize,
      int fitSampleSize,
      String rankBy,
      List<String> features,
      Map<Integer, List<String>> names) {

    /** The same settings with k fixed. */
    public Segmentation withK(int fixed) {
      return new Segmentation(fixed, keepK, kMin, kMax, seed, maxIterations, selectionSampleSize, fitSampleSize, rankBy,
          features, names);
    }

    /** The names for k segments, most valuable first. */
    public List<String> namesFor(int k) {
      List<String> list = names.get(k);
      TieringException.check(list != null, "tiering.segmentation.names has no list for k = %d", k);
      return list;
    }
  }

  /**
   * Weighted composite score (§5.3): indicators, weights normalized to sum to 1 (given, or from
   * the AHP matrix, whose result is kept for the run summary), and the grade thresholds.
   */
  public record Scoring(List<Indicator> indicators, Map<String, Double> weights, Optional<Ahp.Result> ahp,
      List<Grade> grades, String otherwise) {}

  /** One indicator of the composite score: by bands, or by percentile rank. */
  public record Indicator(String name, String column, String method, boolean higherIsBetter, List<Band> bands,
      double otherwise) {
    public boolean percentile() {
      return "percentile".equals(method);
    }
  }

  /** Points for values at or above {@code min}. */
  public record Band(double min, double points) {}

  /** A named grade for scores at or above {@code min}. */
  public record Grade(String name, double min) {}

  /** Lifecycle thresholds (§5.4). */
  public record Lifecycle(int acquisitionDays, double growthGrowth, double declineGrowth, int inactiveDays) {}

  /** Credit score weights (§5.5). */
  public record Credit(double onTimeWeight, double latenessWeight, double daysLateCap, double overduePenalty) {}

  /** Value–potential matrix (§5.6). */
  public record ValuePotential(double valueThreshold, String potential) {}

  /**
   * Predicted lifetime value (§7): BG/NBD + Gamma-Gamma fit settings and the NPV horizon, monthly
   * discount rate, margin (the customer's own, or a fixed one) and monthly service cost.
   */
  public record LifetimeValue(boolean enabled, int horizonMonths, double monthlyDiscountRate, String marginSource,
      double margin, double monthlyServiceCost, int maxIterations, double tolerance, ModelChoice choice)
      implements java.io.Serializable {
    public boolean customerMargin() {
      return "customer".equals(marginSource);
    }
  }

  /**
   * Which repeat-purchase model lifetime value uses (bgnbd, mbgnbd, or auto: the lower error on a
   * holdout of the last holdout-days), and when a fit's p_alive counts as uninformative.
   */
  public record ModelChoice(String model, int holdoutDays, double uninformativePAlive, double uninformativeShare)
      implements java.io.Serializable {
    public boolean auto() {
      return AUTO_MODEL.equals(model);
    }
  }

  public static final String AUTO_MODEL = "auto";
  public static final List<String> PURCHASE_MODELS = List.of("bgnbd", "mbgnbd", AUTO_MODEL);

  /** Re-grading stability triggers (§8). */
  public record Stability(boolean enabled, double monetaryChange, int inactiveDays, double scoreMargin) {}

  /** Personal data in the output (§9): an optional keyed pseudonym of customer ids. */
  public record Privacy(boolean pseudonymizeCustomerId, String keyEnv) {}

  /** The Iceberg catalog the output tables are written to (§9). */
  public record Lake(String catalog, String namespace, String type, Map<String, String> properties) {
    public boolean embedded() {
      return "embedded".equals(type);
    }
  }

  public static final List<String> PRIMARY_METHODS =
      List.of("segment", "rfm", "abc", "value_grade", "lifecycle", "value_potential");
  /** customer_tiers columns an indicator may score. */
  public static final List<String> INDICATOR_COLUMNS = List.of("monetary", "profit", "margin", "frequency",
      "recency_days", "tenure_days", "category_breadth", "growth", "avg_order_value", "credit_score", "clv", "expected_orders_h", "p_alive");
  /** Columns of lifetime value (§7): usable only while it is enabled. */
  public static final List<String> LIFETIME_COLUMNS = List.of(Columns.CLV, Columns.EXPECTED_ORDERS_H, Columns.P_ALIVE);
  public static final List<String> POTENTIAL_SOURCES = List.of("clv", "growth");
  public static final List<String> MARGIN_SOURCES = List.of("customer", "fixed");
  public static final List<String> RANK_BY = List.of("monetary", "profit");
  public static final List<String> SEGMENTATION_FEATURES = List.of("recency", "frequency", "monetary", "margin", "tenure", "clv");

  /** The defaults shipped in the jar, overridden by {@code file} when given. */
  public static TieringConfig load(Optional<File> file) {
    if (file.isEmpty()) {
      return load(ConfigFactory.empty());
    }
    File f = file.get();
    TieringException.check(f.isFile(), "configuration file %s does not exist", f);
    try {
      return load(ConfigFactory.parseFile(f));
    } catch (ConfigException e) {
      throw new TieringException("configuration error: " + e.getMessage(), e);
    }
  }

  /** The defaults overridden by HOCON text, e.g. {@code "tiering.window-days = 180"}. */
  public static TieringConfig parse(String hocon) {
    return load(ConfigFactory.parseString(hocon));
  }

  private static TieringConfig load(Config overrides) {
    try {
      return from(overrides.withFallback(ConfigFactory.parseResources("defaults.conf")).resolve().getConfig("tiering"));
    } catch (ConfigException e) {
      throw new TieringException("configuration error: " + e.getMessage(), e);
    }
  }

  /** Builds and validates the typed configuration from the {@code tiering} block. */
  public static TieringConfig from(Config c) {
    Segmentation seg = segmentation(c.getConfig("segmentation"));
    TieringConfig config =
        new TieringConfig(
            c.getInt("window-days"),
            new Input(
                c.getString("input.transactions"),
                c.getString("input.customers"),
                c.getString("input.invoices"),
                stringMap(c.getConfig("input.columns"))),
            new Quality(c.getDouble("quality.max-rejected-share")),
            new Abc(c.getDouble("abc.a-share"), c.getDouble("abc.b-share")),
            seg,
            scoring(c.getConfig("scoring")),
            new Lifecycle(c.getInt("lifecycle.acquisition-days"), c.getDouble("lifecycle.growth-growth"),
                c.getDouble("lifecycle.decline-growth"), c.getInt("lifecycle.inactive-days")),
            new Credit(c.getDouble("credit.on-time-weight"), c.getDouble("credit.lateness-weight"),
                c.getDouble("credit.days-late-cap"), c.getDouble("credit.overdue-penalty")),
            new ValuePotential(c.getDouble("value-potential.value-threshold"), c.getString("value-potential.potential")),
            lifetimeValue(c.getConfig("lifetime-value")),
            new Stability(c.getBoolean("stability.enabled"), c.getDouble("stability.monetary-change"),
                c.getInt("stability.inactive-days"), c.getDouble("stability.score-margin")),
            c.getString("primary-method"),
            treatments(c.getConfig("treatments")),
            new Lake(
                c.getString("lake.catalog"),
                c.getString("lake.namespace"),
                c.getString("lake.type"),
                stringMap(c.getConfig("lake.properties"))),
            new Privacy(c.getBoolean("privacy.pseudonymize-customer-id"), c.getString("privacy.key-env")),
            c.getInt("spark.shuffle-partitions"),
            sha256(c.root().render(ConfigRenderOptions.concise().setJson(true))));
    config.validate();
    return config;
  }

  private static Scoring scoring(Config s) {
    List<Indicator> indicators = new ArrayList<>();
    for (Config i : s.getConfigList("indicators")) {
      List<Band> bands = new ArrayList<>();
      if (i.hasPath("bands")) {
        for (Config b : i.getConfigList("bands")) {
          bands.add(new Band(b.getDouble("min"), b.getDouble("points")));
        }
      }
      bands.sort(Comparator.comparingDouble(Band::min).reversed());
      indicators.add(new Indicator(i.getString("name"), i.getString("column"), i.getString("method"),
          !i.hasPath("higher-is-better") || i.getBoolean("higher-is-better"), bands,
          i.hasPath("otherwise") ? i.getDouble("otherwise") : 0.0));
    }
    List<String> names = indicators.stream().map(Indicator::name).toList();
    Map<String, Double> weights = new LinkedHashMap<>();
    Optional<Ahp.Result> ahp = Optional.empty();
    Config given = s.getConfig("weights");
    if (!given.isEmpty()) {
      for (String n : names) {
        TieringException.check(given.hasPath(n), "tiering.scoring.weights has no weight for indicator %s", n);
        weights.put(n, given.getDouble(n));
      }
      TieringException.check(given.root().keySet().stream().allMatch(names::contains),
          "tiering.scoring.weights names indicators that do not exist: %s (indicators: %s)", given.root().keySet(), names);
    } else {
      List<String> criteria = s.getStringList("ahp.criteria");
      TieringException.check(new java.util.HashSet<>(criteria).equals(new java.util.HashSet<>(names)),
          "tiering.scoring.ahp.criteria %s must name each indicator %s once", criteria, names);
      Ahp.Result result = Ahp.consistentWeights("tiering.scoring.ahp.matrix", matrix(s.getList("ahp.matrix")));
      for (int i = 0; i < criteria.size(); i++) {
        weights.put(criteria.get(i), result.weights()[i]);
      }
      ahp = Optional.of(result);
    }
    double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
    TieringException.check(total > 0 && weights.values().stream().allMatch(w -> w >= 0),
        "tiering.scoring weights must be non-negative with a positive sum, got %s", weights);
    weights.replaceAll((k, w) -> w / total);
    List<Grade> grades = new ArrayList<>();
    for (Config g : s.getConfigList("grades")) {
      grades.add(new Grade(g.getString("name"), g.getDouble("min")));
    }
    grades.sort(Comparator.comparingDouble(Grade::min).reversed());
    return new Scoring(indicators, weights, ahp, grades, s.getString("otherwise"));
  }

  /** Matrix entries as numbers or fractions written "1/3". */
  private static double[][] matrix(ConfigList rows) {
    double[][] m = new double[rows.size()][];
    for (int i = 0; i < rows.size(); i++) {
      TieringException.check(rows.get(i) instanceof ConfigList, "tiering.scoring.ahp.matrix row %d is not a list", i + 1);
      ConfigList row = (ConfigList) rows.get(i);
      m[i] = new double[row.size()];
      for (int j = 0; j < row.size(); j++) {
        String text = String.valueOf(row.get(j).unwrapped()).trim();
        try {
          int slash = text.indexOf('/');
          m[i][j] = slash < 0 ? Double.parseDouble(text)
              : Double.parseDouble(text.substring(0, slash)) / Double.parseDouble(text.substring(slash + 1));
        } catch (NumberFormatException e) {
          throw new TieringException(String.format("tiering.scoring.ahp.matrix entry (%d, %d) is not a number: %s", i + 1, j + 1, text));
        }
      }
    }
    return m;
  }

  private static Map<String, Map<String, String>> treatments(Config c) {
    Map<String, Map<String, String>> all = new LinkedHashMap<>();
    for (String method : c.root().keySet()) {
      all.put(method, stringMap(c.getConfig(method)));
    }
    return all;
  }

  private static LifetimeValue lifetimeValue(Config l) {
    return new LifetimeValue(l.getBoolean("enabled"), l.getInt("horizon-months"), l.getDouble("monthly-discount-rate"),
        l.getString("margin-source"), l.getDouble("margin"), l.getDouble("monthly-service-cost"),
        l.getInt("max-iterations"), l.getDouble("tolerance"),
        new ModelChoice(l.getString("model"), l.getInt("holdout-days"), l.getDouble("uninformative-p-alive"),
            l.getDouble("uninformative-share")));
  }

  private static Segmentation segmentation(Config s) {
    Map<Integer, List<String>> names = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : s.getConfig("names").root().entrySet()) {
      names.put(Integer.parseInt(e.getKey()), s.getStringList("names.\"" + e.getKey() + "\""));
    }
    return new Segmentation(
        s.getInt("k"),
        s.getBoolean("keep-k"),
        s.getInt("k-min"),
        s.getInt("k-max"),
        s.getLong("seed"),
        s.getInt("max-iterations"),
        s.getInt("selection-sample-size"),
        s.getInt("fit-sample-size"),
        s.getString("rank-by"),
        s.getStringList("features"),
        names);
  }

  private void validate() {
    TieringException.check(windowDays > 0, "tiering.window-days must be positive, got %d", windowDays);
    double maxRejected = quality.maxRejectedShare();
    TieringException.check(
        maxRejected >= 0 && maxRejected <= 1,
        "tiering.quality.max-rejected-share must be in [0, 1], got %s",
        maxRejected);
    TieringException.check(
        0 < abc.aShare() && abc.aShare() < abc.bShare() && abc.bShare() <= 1,
        "tiering.abc needs 0 < a-share < b-share <= 1, got %s and %s",
        abc.aShare(),
        abc.bShare());
    int low = segmentation.k() > 0 ? segmentation.k() : segmentation.kMin();
    int high = segmentation.k() > 0 ? segmentation.k() : segmentation.kMax();
    TieringException.check(
        low >= 2 && low <= high,
        "tiering.segmentation needs k >= 2 or 2 <= k-min <= k-max, got k = %d, k-min = %d, k-max = %d",
        segmentation.k(),
        segmentation.kMin(),
        segmentation.kMax());
    for (int k = low; k <= high; k++) {
      List<String> names = segmentation.namesFor(k);
      TieringException.check(
          names.size() == k,
          "tiering.segmentation.names.\"%d\" must list %d names, got %d",
          k,
          k,
          names.size());
    }
    TieringException.check(
        RANK_BY.contains(segmentation.rankBy()),
        "tiering.segmentation.rank-by must be one of %s, got %s",
        RANK_BY,
        segmentation.rankBy());
    TieringException.check(
        !segmentation.features().isEmpty() && SEGMENTATION_FEATURES.containsAll(segmentation.features()),
        "tiering.segmentation.features must be a non-empty list of %s, got %s",
        SEGMENTATION_FEATURES,
        segmentation.features());
    for (Indicator i : scoring.indicators()) {
      TieringException.check(INDICATOR_COLUMNS.contains(i.column()),
          "tiering.scoring indicator %s: column must be one of %s, got %s", i.name(), INDICATOR_COLUMNS, i.column());
      TieringException.check(i.percentile() || ("bands".equals(i.method()) && !i.bands().isEmpty()),
          "tiering.scoring indicator %s: method must be percentile, or bands with at least one band; got %s",
          i.name(), i.method());
    }
    TieringException.check(POTENTIAL_SOURCES.contains(valuePotential.potential()),
        "tiering.value-potential.potential must be one of %s, got %s", POTENTIAL_SOURCES, valuePotential.potential());
    TieringException.check(lifetimeValue.horizonMonths() > 0 && lifetimeValue.monthlyDiscountRate() >= 0
            && lifetimeValue.maxIterations() > 0 && lifetimeValue.tolerance() > 0,
        "tiering.lifetime-value needs horizon-months > 0, monthly-discount-rate >= 0, max-iterations > 0 and tolerance > 0");
    TieringException.check(MARGIN_SOURCES.contains(lifetimeValue.marginSource()),
        "tiering.lifetime-value.margin-source must be one of %s, got %s", MARGIN_SOURCES, lifetimeValue.marginSource());
    ModelChoice choice = lifetimeValue.choice();
    TieringException.check(PURCHASE_MODELS.contains(choice.model()),
        "tiering.lifetime-value.model must be one of %s, got %s", PURCHASE_MODELS, choice.model());
    TieringException.check(choice.holdoutDays() > 0, "tiering.lifetime-value.holdout-days must be > 0, got %d",
        choice.holdoutDays());
    TieringException.check(choice.uninformativePAlive() > 0 && choice.uninformativePAlive() < 1
            && choice.uninformativeShare() > 0 && choice.uninformativeShare() <= 1,
        "tiering.lifetime-value needs 0 < uninformative-p-alive < 1 and 0 < uninformative-share <= 1");
    if (!lifetimeValue.enabled()) {
      TieringException.check(!LIFETIME_COLUMNS.contains(valuePotential.potential()),
          "tiering.value-potential.potential = %s needs tiering.lifetime-value.enabled = true", valuePotential.potential());
      TieringException.check(!segmentation.features().contains("clv"),
          "tiering.segmentation.features uses clv, which needs tiering.lifetime-value.enabled = true");
      for (Indicator i : scoring.indicators()) {
        TieringException.check(!LIFETIME_COLUMNS.contains(i.column()),
            "tiering.scoring indicator %s scores %s, which needs tiering.lifetime-value.enabled = true", i.name(), i.column());
      }
    }
    TieringException.check(
        PRIMARY_METHODS.contains(primaryMethod),
        "tiering.primary-method must be one of %s, got %s",
        PRIMARY_METHODS,
        primaryMethod);
    TieringException.check(
        lake.embedded() || "custom".equals(lake.type()),
        "tiering.lake.type must be embedded or custom, got %s",
        lake.type());
  }

  private static Map<String, String> stringMap(Config c) {
    Map<String, String> map = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> e : c.entrySet()) {
      map.put(e.getKey(), String.valueOf(e.getValue().unwrapped()));
    }
    return map;
  }

  private static String sha256(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
