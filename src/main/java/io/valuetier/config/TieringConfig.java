package io.valuetier.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import io.valuetier.TieringException;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
    String primaryMethod,
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
      int kMin,
      int kMax,
      long seed,
      int maxIterations,
      int selectionSampleSize,
      String rankBy,
      List<String> features,
      Map<Integer, List<String>> names) {

    /** The names for k segments, most valuable first. */
    public List<String> namesFor(int k) {
      List<String> list = names.get(k);
      TieringException.check(list != null, "tiering.segmentation.names has no list for k = %d", k);
      return list;
    }
  }

  /** Personal data in the output (§9): an optional keyed pseudonym of customer ids. */
  public record Privacy(boolean pseudonymizeCustomerId, String keyEnv) {}

  /** The Iceberg catalog the output tables are written to (§9). */
  public record Lake(String catalog, String namespace, String type, Map<String, String> properties) {
    public boolean embedded() {
      return "embedded".equals(type);
    }
  }

  public static final List<String> PRIMARY_METHODS = List.of("segment", "rfm", "abc");
  public static final List<String> RANK_BY = List.of("monetary", "profit");
  public static final List<String> SEGMENTATION_FEATURES = List.of("recency", "frequency", "monetary", "margin", "tenure");

  /** The defaults shipped in the jar, overridden by {@code file} when given. */
  public static TieringConfig load(Optional<File> file) {
    Config defaults = ConfigFactory.parseResources("defaults.conf");
    Config config = defaults;
    if (file.isPresent()) {
      File f = file.get();
      TieringException.check(f.isFile(), "configuration file %s does not exist", f);
      config = ConfigFactory.parseFile(f).withFallback(defaults);
    }
    try {
      return from(config.resolve().getConfig("tiering"));
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
            c.getString("primary-method"),
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

  private static Segmentation segmentation(Config s) {
    Map<Integer, List<String>> names = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : s.getConfig("names").root().entrySet()) {
      names.put(Integer.parseInt(e.getKey()), s.getStringList("names.\"" + e.getKey() + "\""));
    }
    return new Segmentation(
        s.getInt("k"),
        s.getInt("k-min"),
        s.getInt("k-max"),
        s.getLong("seed"),
        s.getInt("max-iterations"),
        s.getInt("selection-sample-size"),
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
