package io.valuetier.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.valuetier.SparkTestSession;
import io.valuetier.schema.Columns;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeExec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/**
 * Ids that look clean at one end only still lose their blanks at the other; inner characters stay;
 * lines are spread by the clean id, so a customer's lines meet in one partition for every later step.
 */
class CleanIdTest {
  @Test
  void linesAreSpreadByTheCleanIdAndAggregatedByCustomerWithoutAnotherShuffle() {
    StructType schema = new StructType().add(Columns.ORDER_ID, DataTypes.StringType)
        .add(Columns.CUSTOMER_ID, DataTypes.StringType).add(Columns.ORDER_TS, DataTypes.StringType)
        .add(Columns.AMOUNT, DataTypes.StringType).add(Columns.COST, DataTypes.StringType);
    String ts = "2026-11-01 10:00:00";
    Dataset<Row> raw = SparkTestSession.frame(schema,
        new Object[] {"O1", "C1", ts, "10.00", "1.00"},
        new Object[] {"O1", "C1", ts, "10.00", "1.00"}, // an exact copy: duplicate_line
        new Object[] {"O2", " C1", ts, "5.00", "1.00"},
        new Object[] {"O3", "C2\u3000", ts, "7.00", "1.00"},
        new Object[] {"O4", "C2", ts, "3.00", "1.00"});
    Dataset<Row> flagged = TransactionValidation.flag(raw, LocalDate.of(2026, 11, 21));
    Dataset<Row> perCustomer = TransactionValidation.accepted(flagged).groupBy(Columns.CUSTOMER_ID)
        .agg(count(lit(1)).as("lines"), sum(Columns.AMOUNT).as("amount"));
    // By hand: C1 keeps O1 once and O2; C2 keeps O3 and O4.
    assertEquals(List.of("[C1,2,15.00]", "[C2,2,10.00]"), SparkTestSession.sorted(perCustomer));
    assertEquals(1, TransactionValidation.rejected(flagged).count());
    // One shuffle, validation's own: the aggregate by customer reuses its partitioning.
    assertEquals(1, SparkTestSession.planNodes(perCustomer, ShuffleExchangeExec.class).size(),
        perCustomer.queryExecution().toString());
  }

  @Test
  void bytesThatAreNotUtf8StayAsTheyAre() {
    // "C1" then a lone 0xFF byte, with and without a no-break space (C2 A0) after it, and a lone
    // continuation byte (0x80) first: trimming takes the blank's bytes and nothing else.
    byte[] bad = {'C', '1', (byte) 0xFF};
    byte[] badBlank = {'C', '1', (byte) 0xFF, (byte) 0xC2, (byte) 0xA0};
    byte[] blankBad = {' ', (byte) 0x80, 'C'};
    assertArrayEquals(bad, IdText.clean(UTF8String.fromBytes(bad)).getBytes());
    assertArrayEquals(bad, IdText.clean(UTF8String.fromBytes(badBlank)).getBytes());
    assertArrayEquals(new byte[] {(byte) 0x80, 'C'}, IdText.clean(UTF8String.fromBytes(blankBad)).getBytes());
    assertNull(IdText.clean(UTF8String.fromString("\u2060 \u3000")));
  }

  @Test
  void blanksGoAtEitherEndWhateverTheOtherEndLooksLike() {
    // id as read -> id as graded (null: blank only). Expected values by reading the rule: strip
    // Unicode white space and zero-width characters at both ends, keep everything inside.
    String[][] cases = {
        {"C1", "C1"}, {"C", "C"}, {"C1\u00A0", "C1"}, {"\u3000C1", "C1"}, {"C1 ", "C1"}, {" C1", "C1"},
        {"C1\u200B", "C1"}, {"\uFEFFC1", "C1"}, {"A\tB", "A\tB"}, {"A\u00A0B", "A\u00A0B"}, {"A\nB", "A\nB"},
        {"\u00E9t\u00E9", "\u00E9t\u00E9"}, {"\u00A0 \u2009", null}, {"", null}, {"~!", "~!"}};
    List<Row> rows = new ArrayList<>();
    Arrays.stream(cases).forEach(c -> rows.add(RowFactory.create(c[0])));
    List<Row> out = SparkTestSession.get()
        .createDataFrame(rows, new StructType().add("id", DataTypes.StringType))
        .select(TransactionValidation.cleanId(col("id"))).collectAsList();
    for (int i = 0; i < cases.length; i++) {
      assertEquals(cases[i][1], out.get(i).getString(0), "id " + i);
    }
  }
}
