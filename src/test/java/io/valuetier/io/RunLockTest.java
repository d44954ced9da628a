package io.valuetier.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.valuetier.TieringException;
import io.valuetier.config.TieringConfig;
import io.valuetier.jobs.TieringJob;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One run per warehouse: the embedded catalog's run lock. */
class RunLockTest {
  private static final TieringConfig CONFIG = TieringConfig.load(Optional.empty());
  private static final LocalDate D = LocalDate.of(2026, 11, 21);

  @TempDir Path dir;

  @Test
  void aSecondRunOnALockedWarehouseFailsAtOnceNamingTheRunningRun() {
    String warehouse = dir.resolve("lake").toString();
    try (Lake.RunLock held = Lake.lock(CONFIG.lake(), warehouse, "night-1", D)) {
      // The input does not exist: failing with the lock message shows the lock is checked first.
      TieringException e = assertThrows(TieringException.class,
          () -> new TieringJob(io.valuetier.SparkTestSession.get(), CONFIG, D.plusDays(1))
              .run(dir.resolve("no-input").toString(), warehouse, false));
      String prefix = "the warehouse " + dir.resolve("lake") + " is in use by run night-1 (as-of 2026-11-21, host ";
      assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
      assertTrue(e.getMessage().contains(", pid " + ProcessHandle.current().pid() + ", started "), e.getMessage());
      assertTrue(e.getMessage().endsWith("; wait for it to finish (lock " + dir.resolve("lake").resolve("run.lock") + ")"),
          e.getMessage());
      assertEquals(-1, e.getMessage().indexOf('\n'), "one line");
    }
    // Released: the next run takes it.
    Lake.lock(CONFIG.lake(), warehouse, "night-2", D).close();
  }

  @Test
  void aLockFileLeftWithoutAHolderIsTaken() throws Exception {
    // What a run killed with kill -9 leaves: the file with its holder line, and no lock (the OS
    // dropped it with the process).
    Path lake = Files.createDirectories(dir.resolve("lake"));
    Files.writeString(lake.resolve("run.lock"), "run dead-run (as-of 2026-11-20, host h, pid 1, started x)");
    try (Lake.RunLock taken = Lake.lock(CONFIG.lake(), lake.toString(), "night-3", D)) {
      String holder = Files.readString(lake.resolve("run.lock"));
      assertTrue(holder.startsWith("run night-3 (as-of 2026-11-21, host "), holder);
      assertTrue(!holder.contains("dead-run"), holder);
    }
  }

  @Test
  void aLockHeldByAnotherProcessBlocksUntilThatProcessIsKilled() throws Exception {
    // A second JVM (the JDK's single-file launcher) takes the OS lock the way a run does and waits.
    Path lake = Files.createDirectories(dir.resolve("lake"));
    Path holder = dir.resolve("Holder.java");
    Files.writeString(holder, String.join("\n",
        "import java.nio.channels.FileChannel;",
        "import java.nio.file.*;",
        "public class Holder {",
        "  public static void main(String[] a) throws Exception {",
        "    FileChannel c = FileChannel.open(Path.of(a[0]), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);",
        "    if (c.tryLock() == null) { System.out.println(\"busy\"); return; }",
        "    c.truncate(0); c.write(java.nio.ByteBuffer.wrap(\"run other-process (as-of 2026-11-20)\".getBytes()), 0);",
        "    System.out.println(\"locked\"); System.out.flush();",
        "    Thread.sleep(Long.MAX_VALUE);",
        "  }",
        "}"));
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(java, holder.toString(), lake.resolve("run.lock").toString())
        .redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("locked", out.readLine());
      TieringException e = assertThrows(TieringException.class, () -> Lake.lock(CONFIG.lake(), lake.toString(), "night-4", D));
      assertTrue(e.getMessage().contains("is in use by run other-process (as-of 2026-11-20)"), e.getMessage());
    } finally {
      p.destroyForcibly(); // SIGKILL: no chance to clean up, as with kill -9
      p.waitFor();
    }
    try (Lake.RunLock taken = Lake.lock(CONFIG.lake(), lake.toString(), "night-5", D)) {
      assertTrue(Files.readString(lake.resolve("run.lock")).startsWith("run night-5 "));
    }
  }

  @Test
  void otherCatalogsTakeNoFileLock() {
    TieringConfig.Lake rest = new TieringConfig.Lake("lake", "tiering", "custom", java.util.Map.of());
    String warehouse = new File(dir.toFile(), "remote").toString();
    Lake.lock(rest, warehouse, "a", D).close();
    assertTrue(!new File(warehouse, "run.lock").exists());
  }
}
