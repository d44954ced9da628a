package io.valuetier.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import io.valuetier.TieringException;
import io.valuetier.grading.Ahp;
import io.valuetier.grading.AhpHierarchy;
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
    PurchaseTiming purchaseTiming,
    CostToServe costToServe,
    Stability stability,
    String primaryMethod,
    Map<String, Map<String, String>> treatments,
    Lake lake,
    ObjectStore objectStore,
    Privacy privacy,
    int shufflePartitions,
    String hash) {

  /**
   * Where the input tables are and how their columns are named; which columns make a line unique
   * (empty: all of them), what to do when the files of a table differ in schema, and the business
   * time zone that dates the orders (key {@code tiering.time-zone}).
   */
  public record Input(
      String transactions, String customers, String invoices, Map<String, String> columns,
      List<String> uniqueColumns, String schemaDrift, java.time.ZoneId timeZone, String serviceCosts) {
    /** The user's name of a product column: its mapped name, or the product name itself. */
    public String sourceName(String productColumn) {
      return columns.getOrDefault(productColumn, productColumn);
    }
  }

  /** Values of {@code tiering.input.schema-drift}. */
  public static final List<String> SCHEMA_DRIFT = List.of("fail-required", "fail", "reconcile");

  /** Data-quality limits (docs/methods.md, "Validation and quarantine"). */
  public record Quality(double maxRejectedShare) {}

  /** ABC/Pareto class boundaries (docs/methods.md, "ABC (Pareto) classes"). */
  public record Abc(double aShare, double bShare) {}

  /** k-means value segmentation (docs/methods.md, "k-means value segments"). */
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
      Map<Integer, List<String>> names,
      List<NamingRule> naming,
      Refit refit) {

    /** The same settings with k fixed. */
    public Segmentation withK(int fixed) {
      return new Segmentation(fixed, keepK, kMin, kMax, seed, maxIterations, selectionSampleSize, fitSampleSize, rankBy,
          features, names, naming, refit);
    }

    /** The names for k segments, most valuable first. */
    public List<String> namesFor(int k) {
      List<String> list = names.get(k);
      TieringException.check(list != null, "tiering.segmentation.names has no list for k = %d", k);
      return list;
    }
  }

  /**
   * When a night reuses the earlier night's segmentation model and when it fits a new one: a
   * refit when the measured drift exceeds {@code maxDrift} or the model is older than
   * {@code maxAgeDays}.
   */
  public record Refit(double maxDrift, int maxAgeDays) {}

  /**
   * A segment-naming rule: the name, an optional value rank it needs (0 = any), and bounds on the
   * segment's mean / population mean of value, recency, frequency and tenure (in that order; NaN =
   * no bound).
   */
  public record NamingRule(String name, int rank, double[] min, double[] max) {
    public static final List<String> RATIOS = List.of("value", "recency", "frequency", "tenure");

    /** e.g. {@code Dormant (recency >= 2.0x)}: how segment_profiles says why a segment got its name. */
    public String describe() {
      List<String> parts = new ArrayList<>();
      if (rank > 0) {
        parts.add("value rank " + rank);
      }
      for (int i = 0; i < RATIOS.size(); i++) {
        if (!Double.isNaN(min[i])) {
          parts.add(RATIOS.get(i) + " >= " + min[i] + "x");
        }
        if (!Double.isNaN(max[i])) {
          parts.add(RATIOS.get(i) + " <= " + max[i] + "x");
        }
      }
      return name + " (" + String.join(", ", parts) + ")";
    }
  }

  /**
   * Weighted composite score (docs/methods.md, "Composite value score and value grade"): indicators, weights normalized to sum to 1 (given, or from
   * the AHP matrix or the two-level AHP hierarchy, whose matrices are kept by configuration path
   * for the run summary), dimension weights (hierarchy only), and the grade thresholds.
   */
  public record Scoring(List<Indicator> indicators, Map<String, Double> weights, Map<String, Ahp.Result> ahp,
      Map<String, Double> dimensionWeights, List<Grade> grades, String otherwise) {

    /**
     * The run_summary's view of the weights: "weight.&lt;indicator&gt;" → global weight,
     * "dimension.&lt;name&gt;" → dimension weight, "cr.&lt;matrix path&gt;" → consistency ratio.
     */
    public Map<String, Double> summary() {
      Map<String, Double> all = new LinkedHashMap<>();
      weights.forEach((k, w) -> all.put("weight." + k, w));
      dimensionWeights.forEach((k, w) -> all.put("dimension." + k, w));
      ahp.forEach((k, r) -> all.put("cr." + k, r.consistencyRatio()));
      return all;
    }
  }

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

  /** Lifecycle thresholds (docs/methods.md, "Lifecycle stage"). */
  public record Lifecycle(int acquisitionDays, double growthGrowth, double declineGrowth, int inactiveDays) {}

  /** Credit score weights (docs/methods.md, "Credit score"). */
  public record Credit(double onTimeWeight, double latenessWeight, double daysLateCap, double overduePenalty) {}

  /** Value–potential matrix (docs/methods.md, "Value–potential matrix"). */
  public record ValuePotential(double valueThreshold, String potential) {}

  /**
   * Predicted lifetime value (docs/methods.md, "Lifetime value"): BG/NBD + Gamma-Gamma fit settings and the NPV horizon, monthly
   * discount rate, margin (the customer's own, or a fixed one) and monthly service cost.
   */
  public record LifetimeValue(boolean enabled, int horizonMonths, double monthlyDiscountRate, String marginSource,
      double margin, double monthlyServiceCost, int maxIterations, double tolerance, Npv npv, ModelChoice choice) implements java.io.Serializable {
    public boolean customerMargin() {
      return "customer".equals(marginSource);
    }
  }

  /**
   * Customer NPV in the yearly form Σ_t (M·Q_t − X)/(1+i)^t − C: years, yearly rate i, yearly
   * maintenance cost X, acquisition cost C (or a customers-table column holding it; empty: none).
   */
  public record Npv(int years, double yearlyDiscountRate, double yearlyMaintenanceCost, double acquisitionCost,
      String acquisitionCostColumn) implements java.io.Serializable {}

  /**
   * Purchase timing A–E from the BG/NBD fit: A, B, C = P(a purchase within a-, b-, c-days) reaches
   * {@code probability}; E = P(a purchase within no-chance-days) below no-chance-probability; D the rest.
   */
  public record PurchaseTiming(int aDays, int bDays, int cDays, double probability, int noChanceDays,
      double noChanceProbability) implements java.io.Serializable {}

  /**
   * Cost to serve and the cost-contribution classes: configured costs per order, per invoice and
   * per customer per year (on top of the service_costs table), the company's average margin (empty:
   * computed from the data) and the multiples of it that the rate must reach for gold, silver, ordinary.
   */
  public record CostToServe(double perOrder, double perInvoice, double perCustomerYear, Optional<Double> averageMargin,
      double goldMultiple, double silverMultiple, double ordinaryMultiple) {}

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

  /** Re-grading stability triggers (docs/methods.md, "Stability from night to night"). */
  public record Stability(boolean enabled, double monetaryChange, int inactiveDays, double scoreMargin) {}

  /** Personal data in the output (docs/methods.md, "Output tables"): an optional keyed pseudonym of customer ids. */
  public record Privacy(boolean pseudonymizeCustomerId, String keyEnv) {}

  /** The Iceberg catalog the output tables are written to (docs/methods.md, "Output tables"). */
  public record Lake(String catalog, String namespace, String type, Map<String, String> properties) {
    public boolean embedded() {
      return "embedded".equals(type);
    }

    /** An Iceberg REST catalog at {@code properties.uri} (Iceberg's catalog property {@code type = rest}). */
    public boolean rest() {
      return "rest".equals(type);
    }
  }

  public static final List<String> PRIMARY_METHODS =
      List.of("segment", "rfm", "abc", "value_grade", "lifecycle", "value_potential");
  /** customer_tiers columns an indicator may score. */
  public static final List<String> INDICATOR_COLUMNS = List.of("monetary", "profit", "margin", "frequency",
      "recency_days", "tenure_days", "category_breadth", "growth", "avg_order_value", "credit_score", "clv", "expected_orders_h", "p_alive",
      Columns.P_PURCHASE_30D, Columns.P_PURCHASE_90D, Columns.P_PURCHASE_180D, Columns.PURCHASE_TIMING, Columns.NPV,
      Columns.COST_CONTRIBUTION_RATE);
  /** Columns of lifetime value (docs/methods.md, "Lifetime value"): usable only while it is enabled. */
  public static final List<String> LIFETIME_COLUMNS = List.of(Columns.CLV, Columns.EXPECTED_ORDERS_H, Columns.P_ALIVE,
      Columns.P_PURCHASE_30D, Columns.P_PURCHASE_90D, Columns.P_PURCHASE_180D, Columns.PURCHASE_TIMING, Columns.NPV);
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
      Config defaults = ConfigFactory.parseResources("defaults.conf");
      checkKnownKeys(overrides, defaults);
      return from(overrides.withFallback(defaults).resolve().getConfig("tiering"));
    } catch (ConfigException e) {
      throw new TieringException("configuration error: " + e.getMessage(), e);
    }
  }

  /**
   * Objects whose keys are the user's to choose (column names, catalog properties, grade and
   * segment names, indicator names); any key under them is valid. Lists (such as the indicators)
   * are single values and never looked into. An object that is empty in defaults.conf is open too.
   */
  static final List<String> OPEN_OBJECTS = List.of("tiering.input.columns", "tiering.lake.properties",
      "tiering.treatments", "tiering.segmentation.names", "tiering.scoring.weights");

  /**
   * Stops on a key under {@code tiering} that defaults.conf does not have (a misspelling would
   * otherwise run silently with the default): names the key, where it was set and the closest
   * known key. The known keys are those of defaults.conf, so a new setting needs no list here.
   */
  static void checkKnownKeys(Config overrides, Config defaults) {
    if (!overrides.hasPath("tiering")) {
      return;
    }
    java.util.Set<String> known = new java.util.TreeSet<>();
    List<String> open = new ArrayList<>(OPEN_OBJECTS);
    collectKeys(defaults.root().withOnlyKey("tiering"), List.of(), known, open);
    for (Map.Entry<String, ConfigValue> e : overrides.withOnlyPath("tiering").entrySet()) {
      String key = e.getKey();
      boolean isOpen = open.stream().anyMatch(o -> key.startsWith(o + "."));
      if (known.contains(key) || isOpen) {
        continue;
      }
      com.typesafe.config.ConfigOrigin origin = e.getValue().origin();
      String where = origin.filename() != null ? origin.filename() + ", line " + origin.lineNumber()
          : origin.description();
      String closest = known.stream().min(Comparator.comparingInt((String k) -> editDistance(key, k))
          .thenComparing(Comparator.naturalOrder())).orElse("");
      throw new TieringException(String.format("configuration error: unknown key %s (%s); did you mean %s?",
          key, where, closest));
    }
  }

  /** Every leaf path of the defaults, and the objects that are open (empty ones included). */
  private static void collectKeys(com.typesafe.config.ConfigObject object, List<String> parent,
      java.util.Set<String> known, List<String> open) {
    for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
      List<String> keys = new ArrayList<>(parent);
      keys.add(e.getKey());
      String path = com.typesafe.config.ConfigUtil.joinPath(keys);
      if (e.getValue() instanceof com.typesafe.config.ConfigObject child) {
        if (child.isEmpty()) {
          open.add(path);
        }
        collectKeys(child, keys, known, open);
      } else {
        known.add(path);
      }
    }
  }

  /** Levenshtein distance: how many one-character edits turn a into b. */
  static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
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
                stringMap(c.getConfig("input.columns")),
                c.getStringList("input.unique-columns"),
                c.getString("input.schema-drift"),
                zone(c.getString("time-zone")),
                c.getString("input.service-costs")),
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
            purchaseTiming(c.getConfig("purchase-timing")),
            costToServe(c.getConfig("cost-to-serve")),
            new Stability(c.getBoolean("stability.enabled"), c.getDouble("stability.monetary-change"),
                c.getInt("stability.inactive-days"), c.getDouble("stability.score-margin")),
            c.getString("primary-method"),
            treatments(c.getConfig("treatments")),
            new Lake(
                c.getString("lake.catalog"),
                c.getString("lake.namespace"),
                c.getString("lake.type"),
                stringMap(c.getConfig("lake.properties"))),
            ObjectStore.from(c.getConfig("object-store")),
            new Privacy(c.getBoolean("privacy.pseudonymize-customer-id"), c.getString("privacy.key-env")),
            c.getInt("spark.shuffle-partitions"),
            // Where the lake and the store are changes no grade: the same grading settings have
            // one hash locally, on object storage and on a cluster.
            sha256(c.withoutPath("lake").withoutPath("object-store").root()
                .render(ConfigRenderOptions.concise().setJson(true))));
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
    Map<String, Ahp.Result> ahp = new LinkedHashMap<>();
    Map<String, Double> dimensionWeights = new LinkedHashMap<>();
    Config given = s.getConfig("weights");
    if (!given.isEmpty()) {
      for (String n : names) {
        TieringException.check(given.hasPath(n), "tiering.scoring.weights has no weight for indicator %s", n);
        weights.put(n, given.getDouble(n));
      }
      TieringException.check(given.root().keySet().stream().allMatch(names::contains),
          "tiering.scoring.weights names indicators that do not exist: %s (indicators: %s)", given.root().keySet(), names);
    } else if (s.hasPath("ahp.dimensions") && !s.getConfig("ahp.dimensions").isEmpty()) {
      AhpHierarchy.Weights h = hierarchy(s.getConfig("ahp"), names);
      weights.putAll(h.global());
      dimensionWeights.putAll(h.dimensions());
      ahp.putAll(h.matrices());
    } else {
      List<String> criteria = s.getStringList("ahp.criteria");
      TieringException.check(new java.util.HashSet<>(criteria).equals(new java.util.HashSet<>(names)),
          "tiering.scoring.ahp.criteria %s must name each indicator %s once", criteria, names);
      Ahp.Result result = Ahp.consistentWeights("tiering.scoring.ahp.matrix", matrix(s.getList("ahp.matrix")));
      for (int i = 0; i < criteria.size(); i++) {
        weights.put(criteria.get(i), result.weights()[i]);
      }
      ahp.put("tiering.scoring.ahp.matrix", result);
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
    return new Scoring(indicators, weights, ahp, dimensionWeights, grades, s.getString("otherwise"));
  }

  /** Two-level AHP: ahp.criteria and ahp.matrix over the dimensions, ahp.dimensions.&lt;name&gt; over their indicators. */
  private static AhpHierarchy.Weights hierarchy(Config a, List<String> names) {
    String prefix = "tiering.scoring.ahp";
    List<AhpHierarchy.Dimension> dimensions = new ArrayList<>();
    Config all = a.getConfig("dimensions");
    for (String name : all.root().keySet()) {
      Config d = all.getConfig("\"" + name + "\"");
      String path = prefix + ".dimensions." + name;
      TieringException.check(d.hasPath("indicators"), "%s.indicators is missing", path);
      dimensions.add(new AhpHierarchy.Dimension(name, d.getStringList("indicators"),
          d.hasPath("matrix") ? Optional.of(matrix(path + ".matrix", d.getList("matrix"))) : Optional.empty()));
    }
    AhpHierarchy.Weights h = AhpHierarchy.weights(prefix, a.getStringList("criteria"),
        matrix(prefix + ".matrix", a.getList("matrix")), dimensions);
    TieringException.check(new java.util.HashSet<>(h.global().keySet()).equals(new java.util.HashSet<>(names)),
        "%s.dimensions must place each indicator %s in one dimension, got %s", prefix, names, h.global().keySet());
    return h;
  }

  /** Matrix entries as numbers or fractions written "1/3". */
  private static double[][] matrix(ConfigList rows) {
    return matrix("tiering.scoring.ahp.matrix", rows);
  }

  private static double[][] matrix(String path, ConfigList rows) {
    double[][] m = new double[rows.size()][];
    for (int i = 0; i < rows.size(); i++) {
      TieringException.check(rows.get(i) instanceof ConfigList, "%s row %d is not a list", path, i + 1);
      ConfigList row = (ConfigList) rows.get(i);
      m[i] = new double[row.size()];
      for (int j = 0; j < row.size(); j++) {
        String text = String.valueOf(row.get(j).unwrapped()).trim();
        try {
          int slash = text.indexOf('/');
          m[i][j] = slash < 0 ? Double.parseDouble(text)
              : Double.parseDouble(text.substring(0, slash)) / Double.parseDouble(text.substring(slash + 1));
        } catch (NumberFormatException e) {
          throw new TieringException(String.format("%s entry (%d, %d) is not a number: %s", path, i + 1, j + 1, text));
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
        new Npv(l.getInt("npv-years"), l.getDouble("yearly-discount-rate"), l.getDouble("yearly-maintenance-cost"),
            l.getDouble("acquisition-cost"), l.getString("acquisition-cost-column")),
        new ModelChoice(l.getString("model"), l.getInt("holdout-days"), l.getDouble("uninformative-p-alive"),
            l.getDouble("uninformative-share")));
  }

  private static PurchaseTiming purchaseTiming(Config t) {
    return new PurchaseTiming(t.getInt("a-days"), t.getInt("b-days"), t.getInt("c-days"), t.getDouble("probability"),
        t.getInt("no-chance-days"), t.getDouble("no-chance-probability"));
  }

  private static CostToServe costToServe(Config c) {
    boolean company = c.getValue("average-margin").valueType() == com.typesafe.config.ConfigValueType.STRING
        && "company".equals(c.getString("average-margin"));
    return new CostToServe(c.getDouble("per-order"), c.getDouble("per-invoice"), c.getDouble("per-customer-year"),
        company ? Optional.empty() : Optional.of(c.getDouble("average-margin")),
        c.getDouble("gold-multiple"), c.getDouble("silver-multiple"), c.getDouble("ordinary-multiple"));
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
        names,
        namingRules(s.getConfigList("naming.rules")),
        new Refit(s.getDouble("refit.max-drift"), s.getInt("refit.max-age-days")));
  }

  private static List<NamingRule> namingRules(List<? extends Config> rules) {
    List<NamingRule> list = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Config r : rules) {
      String name = r.getString("name");
      TieringException.check(seen.add(name), "tiering.segmentation.naming.rules names %s twice", name);
      double[] min = new double[NamingRule.RATIOS.size()];
      double[] max = new double[NamingRule.RATIOS.size()];
      for (int i = 0; i < min.length; i++) {
        String f = NamingRule.RATIOS.get(i);
        min[i] = r.hasPath(f + "-min") ? r.getDouble(f + "-min") : Double.NaN;
        max[i] = r.hasPath(f + "-max") ? r.getDouble(f + "-max") : Double.NaN;
      }
      int rank = r.hasPath("rank") ? r.getInt("rank") : 0;
      TieringException.check(rank >= 0, "tiering.segmentation.naming.rules: rank of %s must be >= 1, got %d", name, rank);
      list.add(new NamingRule(name, rank, min, max));
    }
    return List.copyOf(list);
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
    TieringException.check(segmentation.refit().maxDrift() > 0 && segmentation.refit().maxAgeDays() >= 1,
        "tiering.segmentation.refit needs max-drift > 0 and max-age-days >= 1, got %s and %d",
        segmentation.refit().maxDrift(), segmentation.refit().maxAgeDays());
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
    Npv npv = lifetimeValue.npv();
    TieringException.check(npv.years() > 0 && npv.yearlyDiscountRate() >= 0,
        "tiering.lifetime-value needs npv-years > 0 and yearly-discount-rate >= 0, got %d and %s", npv.years(),
        npv.yearlyDiscountRate());
    PurchaseTiming timing = purchaseTiming;
    TieringException.check(0 < timing.aDays() && timing.aDays() < timing.bDays() && timing.bDays() < timing.cDays()
            && timing.noChanceDays() > 0,
        "tiering.purchase-timing needs 0 < a-days < b-days < c-days and no-chance-days > 0, got %d, %d, %d and %d",
        timing.aDays(), timing.bDays(), timing.cDays(), timing.noChanceDays());
    TieringException.check(timing.probability() > 0 && timing.probability() <= 1
            && timing.noChanceProbability() >= 0 && timing.noChanceProbability() <= 1,
        "tiering.purchase-timing needs probability in (0, 1] and no-chance-probability in [0, 1], got %s and %s",
        timing.probability(), timing.noChanceProbability());
    CostToServe cost = costToServe;
    TieringException.check(cost.perOrder() >= 0 && cost.perInvoice() >= 0 && cost.perCustomerYear() >= 0,
        "tiering.cost-to-serve needs per-order, per-invoice and per-customer-year >= 0, got %s, %s and %s",
        cost.perOrder(), cost.perInvoice(), cost.perCustomerYear());
    TieringException.check(cost.goldMultiple() > cost.silverMultiple() && cost.silverMultiple() > cost.ordinaryMultiple(),
        "tiering.cost-to-serve needs gold-multiple > silver-multiple > ordinary-multiple, got %s, %s and %s",
        cost.goldMultiple(), cost.silverMultiple(), cost.ordinaryMultiple());
    TieringException.check(cost.averageMargin().map(m -> m > 0).orElse(true),
        "tiering.cost-to-serve.average-margin must be company or a positive number, got %s", cost.averageMargin().orElse(0.0));
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
    TieringException.check(SCHEMA_DRIFT.contains(input.schemaDrift()),
        "tiering.input.schema-drift must be one of %s, got %s", SCHEMA_DRIFT, input.schemaDrift());
    TieringException.check(
        lake.embedded() || lake.rest() || "custom".equals(lake.type()),
        "tiering.lake.type must be embedded, rest or custom, got %s",
        lake.type());
    TieringException.check(
        !lake.rest() || !lake.properties().getOrDefault("uri", "").isBlank(),
        "tiering.lake.type = rest needs the catalog's address in tiering.lake.properties.uri, e.g. http://127.0.0.1:8181");
    ObjectStore.refuseCredentials("tiering.lake.properties", lake.properties());
  }

  private static java.time.ZoneId zone(String id) {
    try {
      return java.time.ZoneId.of(id);
    } catch (java.time.DateTimeException e) {
      throw new TieringException(String.format(
          "tiering.time-zone must be a time zone id such as UTC or Europe/Berlin, got %s", id), e);
    }
  }

  private static Map<String, String> stringMap(Config c) {
    Map<String, String> map = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> e : c.entrySet()) {
      // The key as written: "s3.endpoint" quoted or s3.endpoint bare, never with HOCON's quotes.
      String key = String.join(".", com.typesafe.config.ConfigUtil.splitPath(e.getKey()));
      map.put(key, String.valueOf(e.getValue().unwrapped()));
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
