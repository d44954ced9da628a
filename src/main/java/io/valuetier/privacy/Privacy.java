package io.valuetier.privacy;

import static io.valuetier.schema.Columns.CUSTOMER_ID;
import static io.valuetier.schema.Columns.EMAIL;
import static io.valuetier.schema.Columns.INDUSTRY;
import static io.valuetier.schema.Columns.NAME;
import static io.valuetier.schema.Columns.PHONE;
import static io.valuetier.schema.Columns.REGION;
import static io.valuetier.schema.Columns.SIGNUP_DATE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.valuetier.TieringException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Keeps raw personal data out of the lake (docs/methods.md, "Output tables"): masked contact columns for customer_tiers, and an
 * optional keyed pseudonym (HMAC-SHA256) that replaces customer ids in every output table.
 */
public final class Privacy {
  public static final String NAME_MASKED = NAME + "_masked";
  public static final String PHONE_MASKED = PHONE + "_masked";
  public static final String EMAIL_MASKED = EMAIL + "_masked";

  /** The non-personal customer attributes carried into customer_tiers as they are. */
  private static final List<String> ATTRIBUTES = List.of(SIGNUP_DATE, INDUSTRY, REGION);

  private Privacy() {}

  /** Phone: first 3 and last 4 digits kept ({@code 138****5678}); shorter numbers fully hidden. */
  public static Column maskPhone(Column phone) {
    Column digits = regexp_replace(phone.cast(DataTypes.StringType), "[^0-9]", "");
    return when(length(digits).geq(8),
        concat(substring(digits, 1, 3), lit("****"), substring(digits, -4, 4)))
        .when(digits.isNotNull(), lit("****"));
  }

  /** E-mail: first character of the local part, then {@code ***@domain} ({@code a***@example.com}). */
  public static Column maskEmail(Column email) {
    Column e = trim(email.cast(DataTypes.StringType));
    return when(e.contains("@"), concat(substring(e, 1, 1), lit("***@"), substring_index(e, "@", -1)))
        .when(e.isNotNull(), lit("***"));
  }

  /** Name: first character and {@code *}. */
  public static Column maskName(Column name) {
    Column n = trim(name.cast(DataTypes.StringType));
    return when(length(n).gt(0), concat(substring(n, 1, 1), lit("*")));
  }

  /**
   * The customers table reduced to what may be published: id, masked name/phone/e-mail and the
   * non-personal attributes present in it.
   */
  public static Dataset<Row> publishableCustomers(Dataset<Row> customers) {
    List<String> present = Arrays.asList(customers.columns());
    List<Column> columns = new ArrayList<>();
    columns.add(col(CUSTOMER_ID).cast(DataTypes.StringType).as(CUSTOMER_ID));
    columns.add(present.contains(NAME) ? maskName(col(NAME)).as(NAME_MASKED) : lit(null).cast(DataTypes.StringType).as(NAME_MASKED));
    columns.add(present.contains(PHONE) ? maskPhone(col(PHONE)).as(PHONE_MASKED) : lit(null).cast(DataTypes.StringType).as(PHONE_MASKED));
    columns.add(present.contains(EMAIL) ? maskEmail(col(EMAIL)).as(EMAIL_MASKED) : lit(null).cast(DataTypes.StringType).as(EMAIL_MASKED));
    for (String a : ATTRIBUTES) {
      if (present.contains(a)) {
        columns.add(col(a));
      }
    }
    // One row per customer even if the customers table repeats one.
    return customers.select(columns.toArray(Column[]::new)).dropDuplicates(CUSTOMER_ID);
  }

  /** Reads the pseudonym key from the environment variable named in configuration; never logs it. */
  public static byte[] keyFromEnvironment(String variable, Function<String, String> environment) {
    String key = environment.apply(variable);
    TieringException.check(key != null && !key.isEmpty(),
        "tiering.privacy.pseudonymize-customer-id is on but the environment variable %s is not set", variable);
    return key.getBytes(StandardCharsets.UTF_8);
  }

  /** Replaces {@code customer_id} by HMAC-SHA256(key, id) in hex: same key, same pseudonym, so joins still work. */
  public static Dataset<Row> pseudonymize(Dataset<Row> frame, byte[] key) {
    return frame.withColumn(CUSTOMER_ID, pseudonymUdf(key).apply(col(CUSTOMER_ID)));
  }

  static String hmac(byte[] key, String value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static UserDefinedFunction pseudonymUdf(byte[] key) {
    byte[] copy = key.clone();
    UDF1<String, String> f = id -> id == null ? null : hmac(copy, id);
    return udf(f, DataTypes.StringType);
  }
}
