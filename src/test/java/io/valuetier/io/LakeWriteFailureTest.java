package io.valuetier.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.valuetier.Failures;
import io.valuetier.SparkTestSession;
import io.valuetier.config.TieringConfig;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write the file system refuses (read-only data folder) surfaces as Spark's checked exception, mapped to one line. */
class LakeWriteFailureTest {
  @TempDir Path dir;

  @Test
  void aRefusedWriteBecomesOneLineNamingTheCondition() throws Exception {
    SparkSession spark = SparkTestSession.get();
    File conf = dir.resolve("lake.conf").toFile();
    Files.writeString(conf.toPath(), "tiering.lake.catalog = refused");
    TieringConfig config = TieringConfig.load(Optional.of(conf));
    Lake lake = Lake.open(spark, config, dir.resolve("lake").toString());
    StructType schema = new StructType().add("customer_id", DataTypes.StringType);
    Dataset<Row> rows = SparkTestSession.frame(schema, new Object[] {"C1"});
    lake.replaceSnapshot("refused_table", rows, LocalDate.of(2026, 11, 20));
    Path data = dir.resolve("lake/tiering/refused_table/data");
    assertTrue(Files.isDirectory(data), "the first write made the data folder");

    readOnly(data, true);
    Exception e;
    try {
      e = assertThrows(Exception.class, () -> lake.replaceSnapshot("refused_table", rows, LocalDate.of(2026, 11, 21)));
    } finally {
      readOnly(data, false);
    }

    String line = Failures.describe(e);
    assertTrue(line.startsWith("cannot write: permission denied or a read-only file system ("), line);
    assertEquals(-1, line.indexOf('\n'));
  }

  /** chmod does not stop root; an immutable folder does (chattr +i), as a read-only mount would. */
  private static void readOnly(Path folder, boolean on) throws Exception {
    if ("root".equals(System.getProperty("user.name"))) {
      Process p = new ProcessBuilder("chattr", on ? "+i" : "-i", folder.toString()).inheritIO().start();
      assertEquals(0, p.waitFor(), "chattr");
    } else {
      assertTrue(folder.toFile().setWritable(!on, false));
    }
  }
}
