package io.valuetier.io;

import static io.valuetier.TransactionFixtures.line;
import static io.valuetier.TransactionFixtures.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.valuetier.SparkTestSession;
import io.valuetier.TieringException;
import io.valuetier.config.TieringConfig;
import io.valuetier.jobs.TieringJob;
import io.valuetier.quality.ValidatedTransactions;
import io.valuetier.schema.Columns;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three inputs as Iceberg tables of a catalog registered in the session (issue 14). */
class CatalogInputTest {
  /** A Hadoop Iceberg catalog of this test's own, in the shared test session. */
  private static final String CATALOG = "input_tables_test";
  private static final LocalDate D = LocalDate.of(2026, 11, 21);

  @TempDir static Path warehouse;

  @BeforeAll
  static void createTables() {
    SparkSession spark = SparkTestSession.get();
    spark.conf().set("spark.sql.catalog." + CATALOG, "org.apache.iceberg.spark.SparkCatalog");
    spark.conf().set("spark.sql.catalog." + CATALOG + ".type", "hadoop");
    spark.conf().set("spark.sql.catalog." + CATALOG + ".warehouse", warehouse.toUri().toString());
    // Five lines, one of them an exact copy: 4 accepted + 1 duplicate_line.
    raw(line("O1", "C1", "2026-11-01 10:00:00", "10.00", "4.00", "X"),
        line("O2", "C2", "2026-11-02 10:00:00", "20.00", "5.00", "Y"),
        line("O3", "C1", "2026-11-03 10:00:00", "30.00", "6.00", "X"),
        line("O4", "C3", "2026-11-04 10:00:00", "40.00", "7.00", "Y"),
        line("O4", "C3", "2026-11-04 10:00:00", "40.00", "7.00", "Y"))
        .withColumnRenamed(Columns.CUSTOMER_ID, "CustomerID")
        .writeTo(CATALOG + ".sales.transactions").createOrReplace();
    StructType customers = new StructType().add(Columns.CUSTOMER_ID, DataTypes.StringType)
        .add(Columns.REGION, DataTypes.StringType);
    SparkTestSession.frame(customers, new Object[] {"C1", "North"}, new Object[] {"C2", "South"})
        .writeTo(CATALOG + ".sales.customers").createOrReplace();
    StructType invoices = new StructType().add(Columns.CUSTOMER_ID, DataTypes.StringType)
        .add(Columns.DUE_DATE, DataTypes.DateType).add(Columns.PAID_DATE, DataTypes.DateType);
    SparkTestSession.frame(invoices, new Object[] {"C1", java.sql.Date.valueOf("2026-11-10"), java.sql.Date.valueOf("2026-11-09")})
        .writeTo(CATALOG + ".sales.invoices").createOrReplace();
  }

  private static TieringConfig tables() {
    return TieringConfig.parse("tiering.input { transactions = " + CATALOG + ".sales.transactions, customers = "
        + CATALOG + ".sales.customers, invoices = " + CATALOG + ".sales.invoices, columns { customer_id = CustomerID } }\n"
        + "tiering.quality.max-rejected-share = 0.5");
  }

  @Test
  void theRuleThatTellsTablesFromPaths() {
    assertTrue(InputTables.isTableName("sales.transactions"));
    assertTrue(InputTables.isTableName("lake.sales.transactions"));
    assertTrue(InputTables.isTableName("`my-catalog`.sales.transactions"));
    assertFalse(InputTables.isTableName("transactions"));
    assertFalse(InputTables.isTableName("./sales.transactions"));
    assertFalse(InputTables.isTableName("/data/sales.transactions"));
    assertFalse(InputTables.isTableName("s3://bucket/transactions"));
    assertFalse(InputTables.isTableName("2026.transactions"));
  }

  @Test
  void validatesFromCatalogTables(@TempDir Path noInput) {
    // --input points nowhere: every table comes from the catalog.
    ValidatedTransactions v = new TieringJob(SparkTestSession.get(), tables(), D).validate(noInput.toString());
    assertEquals(5, v.rowsRead());
    assertEquals(4, v.rowsAccepted());
    assertEquals(Map.of("duplicate_line", 1L), v.rejectedByReason());
    assertEquals(v.rowsRead(), v.rowsAccepted() + v.rowsRejected());
    assertEquals(Map.of(), v.schemaDrift());

    InputTables read = InputTables.read(SparkTestSession.get(), tables().input(), noInput.toString());
    assertEquals(2, read.customers().orElseThrow().count());
    assertEquals(1, read.invoices().orElseThrow().count());
    assertTrue(java.util.Arrays.asList(read.transactions().columns()).contains(Columns.CUSTOMER_ID), "mapping applied");
  }

  @Test
  void aMissingTableIsNamed(@TempDir Path noInput) {
    TieringConfig missing = TieringConfig.parse("tiering.input.transactions = " + CATALOG + ".sales.nothing");
    TieringException e = assertThrows(TieringException.class,
        () -> new TieringJob(SparkTestSession.get(), missing, D).validate(noInput.toString()));
    assertTrue(e.getMessage().startsWith("input table transactions: cannot read catalog table "
        + CATALOG + ".sales.nothing: "), e.getMessage());
  }
}
