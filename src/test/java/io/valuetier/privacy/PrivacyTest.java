package io.valuetier.privacy;

import static io.valuetier.SparkTestSession.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.valuetier.TieringException;
import io.valuetier.config.TieringConfig;
import io.valuetier.schema.Columns;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class PrivacyTest {
  private static final StructType CUSTOMERS = new StructType()
      .add(Columns.CUSTOMER_ID, DataTypes.StringType)
      .add(Columns.NAME, DataTypes.StringType)
      .add(Columns.PHONE, DataTypes.StringType)
      .add(Columns.EMAIL, DataTypes.StringType)
      .add(Columns.REGION, DataTypes.StringType);

  @Test
  void contactDataIsMaskedInTheFormatsOfTheSpecification() {
    Row r = Privacy.publishableCustomers(frame(CUSTOMERS,
        new Object[] {"C1", "Zhang Wei", "13812345678", "alice@example.com", "East"})).first();
    assertEquals("Z*", r.getAs(Privacy.NAME_MASKED));
    assertEquals("138****5678", r.getAs(Privacy.PHONE_MASKED));
    assertEquals("a***@example.com", r.getAs(Privacy.EMAIL_MASKED));
    assertEquals("East", r.getAs(Columns.REGION));
    assertEquals(java.util.List.of(Columns.CUSTOMER_ID, Privacy.NAME_MASKED, Privacy.PHONE_MASKED,
        Privacy.EMAIL_MASKED, Columns.REGION), java.util.Arrays.asList(r.schema().fieldNames()), "no raw PII column");
  }

  @Test
  void oddValuesAreHiddenNotLeaked() {
    Row r = Privacy.publishableCustomers(frame(CUSTOMERS,
        new Object[] {"C1", "", "12-34", "not-an-email", null})).first();
    assertNull(r.getAs(Privacy.NAME_MASKED));
    assertEquals("****", r.getAs(Privacy.PHONE_MASKED), "a short number shows no digits");
    assertEquals("***", r.getAs(Privacy.EMAIL_MASKED));
  }

  @Test
  void pseudonymIsHmacSha256OfTheId() {
    // RFC 4231 test case 2: HMAC-SHA256(key "Jefe", "what do ya want for nothing?").
    StructType ids = new StructType().add(Columns.CUSTOMER_ID, DataTypes.StringType);
    Publication publication = new Publication(new TieringConfig.Privacy(true, "KEY_VAR"), Map.of("KEY_VAR", "Jefe")::get);
    Row r = publication.apply(frame(ids, new Object[] {"what do ya want for nothing?"})).first();
    assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", r.getString(0));
  }

  @Test
  void withPseudonymsTheQuarantinedSourceLineIsNotPublished() {
    StructType rejected = new StructType().add(Columns.CUSTOMER_ID, DataTypes.StringType)
        .add(io.valuetier.quality.TransactionValidation.SOURCE_ROW, DataTypes.StringType);
    Object[] line = {"what do ya want for nothing?", "{\"CustomerID\":\"what do ya want for nothing?\"}"};
    Publication publication = new Publication(new TieringConfig.Privacy(true, "KEY_VAR"), Map.of("KEY_VAR", "Jefe")::get);
    Row r = publication.apply(frame(rejected, line)).first();
    assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", r.getString(0));
    assertNull(r.get(1), "the line holds the real id");
    Row plain = new Publication(new TieringConfig.Privacy(false, "KEY_VAR"), Map.<String, String>of()::get)
        .apply(frame(rejected, line)).first();
    assertEquals(line[1], plain.get(1));
  }

  @Test
  void missingKeyStopsTheRunWithoutShowingAKey() {
    TieringException e = assertThrows(TieringException.class,
        () -> new Publication(new TieringConfig.Privacy(true, "KEY_VAR"), Map.<String, String>of()::get));
    assertEquals("tiering.privacy.pseudonymize-customer-id is on but the environment variable KEY_VAR is not set",
        e.getMessage());
  }
}
