package io.valuetier.quality;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.valuetier.SparkTestSession;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Ids that look clean at one end only still lose their blanks at the other; inner characters stay. */
class CleanIdTest {
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
