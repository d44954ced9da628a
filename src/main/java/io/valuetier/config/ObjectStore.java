package io.valuetier.config;

import com.typesafe.config.Config;
import io.valuetier.TieringException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How the job reaches an S3-API object store (AWS S3, MinIO, Ceph, R2, ...): endpoint, region,
 * addressing and how soon to give up (section {@code tiering.object-store}). Never credentials:
 * those come from the environment or the AWS / Hadoop credential chain, and a configuration that
 * carries one is refused, so a secret never lands in a file, the run's config hash or a log line.
 */
public record ObjectStore(String endpoint, String region, boolean pathStyleAccess, int connectTimeoutSeconds,
    int requestTimeoutSeconds, int attempts) {

  /** URI schemes served by the object store (S3A for Hadoop paths, S3FileIO for the lake's tables). */
  public static final List<String> SCHEMES = List.of("s3", "s3a", "s3n");

  /**
   * Catalog and Hadoop properties that hold object-store credentials. Iceberg and Hadoop would
   * accept them from tiering.lake.properties; the job refuses them there.
   */
  static final List<String> CREDENTIAL_KEYS = List.of("s3.access-key-id", "s3.secret-access-key",
      "s3.session-token", "fs.s3a.access.key", "fs.s3a.secret.key", "fs.s3a.session.token");

  static ObjectStore from(Config c) {
    ObjectStore store = new ObjectStore(c.getString("endpoint").trim(), c.getString("region").trim(),
        c.getBoolean("path-style-access"), c.getInt("connect-timeout-seconds"), c.getInt("request-timeout-seconds"),
        c.getInt("attempts"));
    store.validate();
    return store;
  }

  private void validate() {
    if (!endpoint.isEmpty()) {
      URI uri;
      try {
        uri = URI.create(endpoint);
      } catch (IllegalArgumentException e) {
        throw new TieringException("tiering.object-store.endpoint must be a URL such as http://127.0.0.1:9000, got "
            + endpoint);
      }
      TieringException.check(("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
              && uri.getUserInfo() == null,
          "tiering.object-store.endpoint must be an http(s) URL without credentials, such as https://s3.eu-west-1.amazonaws.com");
    }
    TieringException.check(connectTimeoutSeconds > 0 && requestTimeoutSeconds > 0 && attempts >= 1,
        "tiering.object-store needs connect-timeout-seconds > 0, request-timeout-seconds > 0 and attempts >= 1");
  }

  /** Refuses credentials among catalog properties: they belong in the environment (docs/operations.md). */
  static void refuseCredentials(String section, Map<String, String> properties) {
    for (String key : properties.keySet()) {
      String k = key.toLowerCase(Locale.ROOT);
      TieringException.check(CREDENTIAL_KEYS.stream().noneMatch(k::endsWith),
          "configuration error: %s.%s holds a credential; give credentials through the environment "
              + "(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, an instance profile, ...), never in a configuration file",
          section, key);
    }
  }

  /** Whether a location lives on the object store. */
  public static boolean isObjectStore(String location) {
    return scheme(location).map(SCHEMES::contains).orElse(false);
  }

  /** The bucket of an {@code s3://bucket/key} location. */
  public static String bucket(String location) {
    return URI.create(location).getHost();
  }

  /** The key prefix of an {@code s3://bucket/key} location, without leading or trailing slashes. */
  public static String key(String location) {
    String path = URI.create(location).getPath();
    return path == null ? "" : path.replaceAll("^/+", "").replaceAll("/+$", "");
  }

  private static Optional<String> scheme(String location) {
    int colon = location.indexOf("://");
    return colon > 0 ? Optional.of(location.substring(0, colon).toLowerCase(Locale.ROOT)) : Optional.empty();
  }

  /**
   * Hadoop settings for S3A (input tables, saved models): also serves {@code s3://} paths, so one
   * warehouse URI works for the tables (S3FileIO) and the models (Hadoop) alike.
   */
  public Map<String, String> hadoopSettings() {
    Map<String, String> s = new java.util.LinkedHashMap<>();
    s.put("fs.s3.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem");
    s.put("fs.s3n.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem");
    if (!endpoint.isEmpty()) {
      s.put("fs.s3a.endpoint", endpoint);
    }
    if (!region.isEmpty()) {
      s.put("fs.s3a.endpoint.region", region);
    }
    s.put("fs.s3a.path.style.access", String.valueOf(pathStyleAccess));
    s.put("fs.s3a.connection.establish.timeout", connectTimeoutSeconds + "s");
    s.put("fs.s3a.connection.timeout", requestTimeoutSeconds + "s");
    s.put("fs.s3a.connection.request.timeout", requestTimeoutSeconds + "s");
    s.put("fs.s3a.attempts.maximum", String.valueOf(attempts));
    s.put("fs.s3a.retry.limit", String.valueOf(attempts));
    s.put("fs.s3a.retry.throttle.limit", String.valueOf(Math.max(attempts, 3)));
    return s;
  }

  /** Iceberg catalog properties for S3FileIO (the lake's data and metadata files). */
  public Map<String, String> catalogProperties() {
    Map<String, String> s = new java.util.LinkedHashMap<>();
    if (!endpoint.isEmpty()) {
      s.put("s3.endpoint", endpoint);
    }
    if (!region.isEmpty()) {
      s.put("client.region", region);
    }
    s.put("s3.path-style-access", String.valueOf(pathStyleAccess));
    s.put("http-client.type", "apache");
    s.put("http-client.apache.connection-timeout-ms", String.valueOf(connectTimeoutSeconds * 1000L));
    s.put("http-client.apache.socket-timeout-ms", String.valueOf(requestTimeoutSeconds * 1000L));
    s.put("s3.retry.num-retries", String.valueOf(attempts - 1));
    return s;
  }
}
