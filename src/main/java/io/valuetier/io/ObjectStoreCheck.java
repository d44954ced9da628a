package io.valuetier.io;

import io.valuetier.TieringException;
import io.valuetier.config.ObjectStore;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The object-store half of the preflight: before Spark starts, one S3 client asks the store the
 * questions a run would otherwise answer minutes later, after retries: is it reachable, does the
 * bucket exist, do the environment's credentials open it, is the input there, may the warehouse
 * be written. Messages name the endpoint, bucket and key, never a credential.
 */
final class ObjectStoreCheck implements AutoCloseable {
  private final ObjectStore store;
  private final S3Client client;

  ObjectStoreCheck(ObjectStore store) {
    this.store = store;
    var builder = S3Client.builder()
        .httpClientBuilder(ApacheHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(store.connectTimeoutSeconds()))
            .socketTimeout(Duration.ofSeconds(store.requestTimeoutSeconds())))
        .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(store.attempts()))
            .apiCallTimeout(Duration.ofSeconds((long) store.requestTimeoutSeconds() * store.attempts())))
        .credentialsProvider(DefaultCredentialsProvider.builder().build())
        .forcePathStyle(store.pathStyleAccess())
        .region(region(store));
    if (!store.endpoint().isEmpty()) {
      builder.endpointOverride(URI.create(store.endpoint()));
    }
    this.client = builder.build();
  }

  /** The configured region, else the environment's; an S3-compatible store often has none: us-east-1. */
  private static Region region(ObjectStore store) {
    if (!store.region().isEmpty()) {
      return Region.of(store.region());
    }
    try {
      return DefaultAwsRegionProviderChain.builder().build().getRegion();
    } catch (SdkClientException e) {
      return Region.US_EAST_1;
    }
  }

  /** The table at {@code location} holds at least one data file (a key whose name starts with neither _ nor .). */
  void requireFiles(String what, String location) {
    String bucket = bucketOf(what, location);
    String prefix = ObjectStore.key(location);
    ListObjectsV2Response listed = ask(what, location,
        () -> client.listObjectsV2(b -> b.bucket(bucket).prefix(prefix.isEmpty() ? "" : prefix + "/").maxKeys(1000)));
    boolean hasData = listed.contents().stream()
        .map(o -> o.key().substring(o.key().lastIndexOf('/') + 1))
        .anyMatch(n -> !n.isEmpty() && !n.startsWith("_") && !n.startsWith("."));
    TieringException.check(hasData, "%s: no Parquet files at %s", what, location);
  }

  /** A probe object is written and deleted under {@code location}: the credentials may write there. */
  void requireWritable(String what, String location) {
    String bucket = bucketOf(what, location);
    String prefix = ObjectStore.key(location);
    String probe = (prefix.isEmpty() ? "" : prefix + "/") + ".value-tiering-write-check-" + UUID.randomUUID();
    ask(what, location, () -> client.putObject(b -> b.bucket(bucket).key(probe), RequestBody.empty()));
    ask(what, location, () -> client.deleteObject(b -> b.bucket(bucket).key(probe)));
  }

  private String bucketOf(String what, String location) {
    String bucket = ObjectStore.bucket(location);
    TieringException.check(bucket != null && !bucket.isEmpty(), "%s: %s names no bucket (s3://bucket/path)", what,
        location);
    return bucket;
  }

  /** One call to the store, its failure turned into the one line a user can act on. */
  private <T> T ask(String what, String location, java.util.function.Supplier<T> call) {
    String bucket = ObjectStore.bucket(location);
    String at = store.endpoint().isEmpty() ? "AWS S3" : store.endpoint();
    try {
      return call.get();
    } catch (S3Exception e) {
      String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
      if (e.statusCode() == 404 || "NoSuchBucket".equals(code)) {
        throw new TieringException(String.format("%s: bucket %s does not exist on %s (%s)", what, bucket, at, location));
      }
      if (e.statusCode() == 403 || e.statusCode() == 401) {
        throw new TieringException(String.format("%s: %s refused the credentials of the environment for bucket %s (%s): "
            + "check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, the AWS profile or the instance role", what, at, bucket,
            code.isEmpty() ? "HTTP " + e.statusCode() : code));
      }
      throw new TieringException(String.format("%s: %s answered HTTP %d (%s) for %s", what, at, e.statusCode(),
          code, location));
    } catch (SdkClientException e) {
      String message = String.valueOf(e.getMessage());
      if (message.contains("Unable to load credentials") || message.contains("credentials")) {
        throw new TieringException(String.format("%s: no credentials for %s in the environment: set AWS_ACCESS_KEY_ID and "
            + "AWS_SECRET_ACCESS_KEY (or an AWS profile / instance role), see docs/operations.md", what, at));
      }
      throw new TieringException(String.format("%s: the object store %s is unreachable for %s (%s)", what, at, location,
          rootCause(e)));
    } catch (SdkException e) {
      throw new TieringException(String.format("%s: the object store %s failed for %s (%s)", what, at, location,
          rootCause(e)));
    }
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
  }

  @Override
  public void close() {
    client.close();
  }
}
