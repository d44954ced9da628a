package io.valuetier.io;

import io.valuetier.TieringException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * The schema of every Parquet file of an input folder, read from the file footers on the driver
 * (a few kilobytes each, in parallel, no Spark job), and how the files differ: the columns some
 * files lack, and the columns whose types differ.
 */
final class ParquetSchemas {
  /** Footers read at once: remote stores answer slowly, but in parallel. */
  private static final int READERS = 16;
  /** Files named in an error message before "and n more". */
  private static final int NAMED_FILES = 3;

  /** Each data file (relative to the folder) → its columns and their Parquet types, in file order. */
  private final Map<String, Map<String, String>> files;

  private ParquetSchemas(Map<String, Map<String, String>> files) {
    this.files = files;
  }

  /** How the files of one table differ; empty maps when they all have the same schema. */
  record Drift(Map<String, List<String>> missingByFile, Map<String, Map<String, String>> typesByColumn) {
    boolean any() {
      return !missingByFile.isEmpty() || !typesByColumn.isEmpty();
    }

    /** Columns missing from at least one file. */
    Set<String> missingColumns() {
      Set<String> all = new LinkedHashSet<>();
      missingByFile.values().forEach(all::addAll);
      return all;
    }
  }

  /** Reads the footers of every data file under {@code root} (hidden and "_" files excluded, as Spark does). */
  static ParquetSchemas read(String table, Path root, Configuration conf) {
    List<Path> paths = new ArrayList<>();
    try {
      FileSystem fs = root.getFileSystem(conf);
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
      while (it.hasNext()) {
        Path p = it.next().getPath();
        if (isData(root, p)) {
          paths.add(p);
        }
      }
    } catch (IOException e) {
      throw new TieringException(String.format("input table %s: cannot list %s: %s", table, root, e.getMessage()), e);
    }
    paths.sort(null);
    Map<String, Map<String, String>> schemas = new LinkedHashMap<>();
    if (paths.size() <= 1) {
      for (Path p : paths) {
        schemas.put(relative(root, p), columns(footer(table, p, conf)));
      }
      return new ParquetSchemas(schemas);
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(READERS, paths.size()), r -> {
      Thread t = new Thread(r, "parquet-footers");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<MessageType>> footers = new ArrayList<>();
      for (Path p : paths) {
        footers.add(pool.submit(() -> footer(table, p, conf)));
      }
      for (int i = 0; i < paths.size(); i++) {
        schemas.put(relative(root, paths.get(i)), columns(footers.get(i).get()));
      }
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      pool.shutdownNow();
    }
    return new ParquetSchemas(schemas);
  }

  /** Which columns each file lacks (against the union of all files), and the columns of several types. */
  Drift drift() {
    Set<String> union = new LinkedHashSet<>();
    files.values().forEach(c -> union.addAll(c.keySet()));
    Map<String, List<String>> missing = new TreeMap<>();
    Map<String, Map<String, String>> types = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, String>> f : files.entrySet()) {
      List<String> lacks = union.stream().filter(c -> !f.getValue().containsKey(c)).toList();
      if (!lacks.isEmpty()) {
        missing.put(f.getKey(), lacks);
      }
    }
    for (String c : union) {
      Map<String, String> byFile = new TreeMap<>();
      files.forEach((file, columns) -> {
        if (columns.containsKey(c)) {
          byFile.put(file, columns.get(c));
        }
      });
      if (new LinkedHashSet<>(byFile.values()).size() > 1) {
        types.put(c, byFile);
      }
    }
    return new Drift(missing, types);
  }

  /** Files that lack {@code column}, and files that have it, for an error message. */
  String presence(String column) {
    List<String> without = new ArrayList<>();
    List<String> with = new ArrayList<>();
    files.forEach((file, columns) -> (columns.containsKey(column) ? with : without).add(file));
    return String.format("missing from %s, present in %s", named(without), named(with));
  }

  /** Up to a few file names, then how many more. */
  static String named(List<String> names) {
    String shown = String.join(", ", names.subList(0, Math.min(NAMED_FILES, names.size())));
    return names.size() > NAMED_FILES ? shown + " and " + (names.size() - NAMED_FILES) + " more" : shown;
  }

  private static MessageType footer(String table, Path p, Configuration conf) {
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(p, conf))) {
      return reader.getFooter().getFileMetaData().getSchema();
    } catch (IOException | RuntimeException e) {
      throw new TieringException(String.format("input table %s: cannot read file %s: %s", table, p,
          InputTables.firstLine(e.getMessage())), e);
    }
  }

  /** Top-level columns → type without name and repetition (optional and required are the same data). */
  private static Map<String, String> columns(MessageType schema) {
    Map<String, String> columns = new LinkedHashMap<>();
    for (Type t : schema.getFields()) {
      String type = t.isPrimitive()
          ? t.asPrimitiveType().getPrimitiveTypeName().name().toLowerCase(java.util.Locale.ROOT)
              + (t.getLogicalTypeAnnotation() == null ? "" : " (" + t.getLogicalTypeAnnotation() + ")")
          : t.toString().replaceFirst("^\\s*(optional|required|repeated)\\s+group\\s+\\S+", "group");
      columns.put(t.getName(), type);
    }
    return columns;
  }

  private static boolean isData(Path root, Path file) {
    for (Path p = file; p != null && !p.equals(root); p = p.getParent()) {
      String name = p.getName();
      if (name.startsWith("_") || name.startsWith(".")) {
        return false;
      }
    }
    return true;
  }

  private static String relative(Path root, Path file) {
    String r = root.toUri().getPath().replaceAll("/+$", "");
    String f = file.toUri().getPath();
    return f.startsWith(r + "/") ? f.substring(r.length() + 1) : f;
  }
}
