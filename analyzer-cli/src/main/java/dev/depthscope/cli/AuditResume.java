package dev.depthscope.cli;

import dev.depthscope.core.analysis.FileJournal;
import dev.depthscope.core.analysis.PruningSweep;
import dev.depthscope.core.io.OutputConflictException;
import dev.depthscope.core.io.OutputSet;
import dev.depthscope.core.io.OutputWriteException;
import dev.depthscope.core.model.NonFiniteException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code audit --resume}: the journal of an audit in its output set ({@link OutputSet#journal}),
 * and what the command says about it. A run without {@code --resume} refuses an output directory
 * holding an interrupted audit (unless {@code --force}, which discards it), so hours of work are
 * never thrown away by accident; with {@code --resume} it continues the journal when the
 * fingerprint matches (else refuses naming every difference), or starts from the beginning when
 * there is none. While the audit runs, Ctrl-C prints the command that resumes it; so does a failure
 * once at least one chunk is journaled.
 */
final class AuditResume {
  /**
   * A test seam: milliseconds to sleep after each block evaluation, so a test can kill an audit of
   * a tiny model mid-sweep (the numbers do not change; unset in normal use).
   */
  static final String PACE_PROPERTY = "depthscope.test.blockPauseMillis";

  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

  private final boolean resume;
  private final boolean force;
  private final OutputOptions output;
  private final String command;
  private FileJournal journal;
  private Thread hook;
  private volatile boolean running;

  /**
   * @param args the command line as typed ({@code audit MODEL ...})
   * @param outDir the output directory (added as {@code --out} to the resume command when the
   *     default was used, which could name another directory next time)
   * @param outGiven whether {@code --out} was typed
   */
  AuditResume(
      boolean resume,
      boolean force,
      OutputOptions output,
      List<String> args,
      Path outDir,
      boolean outGiven) {
    this.resume = resume;
    this.force = force;
    this.output = output;
    this.command = command(args, outDir, outGiven);
  }

  /** {@code depthscope <args> [--out DIR] --resume}, quoted for a POSIX shell. */
  static String command(List<String> args, Path outDir, boolean outGiven) {
    List<String> words = new ArrayList<>(List.of("depthscope"));
    for (String a : args) {
      if (!a.equals("--resume")) {
        words.add(a);
      }
    }
    if (!outGiven) {
      words.add("--out");
      words.add(outDir.toString());
    }
    words.add("--resume");
    StringBuilder b = new StringBuilder();
    for (String w : words) {
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(PLAIN.matcher(w).matches() ? w : "'" + w.replace("'", "'\\''") + "'");
    }
    return b.toString();
  }

  /** {@code listener}, slowed down by {@link #PACE_PROPERTY} when it is set. */
  static PruningSweep.ProgressListener paced(PruningSweep.ProgressListener listener) {
    long pause = Long.getLong(PACE_PROPERTY, 0);
    if (pause <= 0) {
      return listener;
    }
    return new PruningSweep.ProgressListener() {
      @Override
      public void blockEvaluated(long done, long total) {
        try {
          Thread.sleep(pause);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        listener.blockEvaluated(done, total);
      }

      @Override
      public void statesScored(long done, long total) {
        listener.statesScored(done, total);
      }

      @Override
      public void phase(String description) {
        listener.phase(description);
      }

      @Override
      public PruningSweep.ProgressListener next(String task) {
        PruningSweep.ProgressListener n = listener.next(task);
        return n == listener ? this : paced(n);
      }
    };
  }

  /** The command that resumes this audit. */
  String command() {
    return command;
  }

  /** Opens the output set at {@code outDir} and {@link #check}s it (closed again on refusal). */
  OutputSet openSet(Path outDir, OutputSet.Existing existing) throws IOException {
    OutputSet set = OutputSet.open(outDir, existing);
    try {
      check(set);
    } catch (RuntimeException e) {
      set.close();
      throw e;
    }
    return set;
  }

  /**
   * Right after the output set opens, before the model loads: refuses to start over an interrupted
   * audit without {@code --resume} or {@code --force}.
   */
  void check(OutputSet set) {
    Path dir = set.journal();
    if (!resume && FileJournal.exists(dir)) {
      int done = FileJournal.chunksRecorded(dir);
      if (!force) {
        throw new OutputConflictException(
            set.target()
                + " holds an interrupted audit ("
                + done
                + " chunk"
                + (done == 1 ? "" : "s")
                + " of its sweep done); continue it with: "
                + command
                + " (or pass --force to discard it and start again)");
      }
      output.status(
          "discarding the interrupted audit in %s (%d chunks done; --force)", set.target(), done);
    }
  }

  /**
   * The journal for a run of {@code fingerprint}: the interrupted one with {@code --resume}, else a
   * new one; from here on Ctrl-C prints the resume command.
   */
  FileJournal open(OutputSet set, Map<String, String> fingerprint) throws IOException {
    Path dir = set.journal();
    if (resume && FileJournal.exists(dir)) {
      journal = FileJournal.resume(dir, fingerprint);
      output.status(
          "resuming the interrupted audit in %s: %d chunks of its sweep done",
          set.target(), FileJournal.chunksRecorded(dir));
    } else {
      if (resume) {
        output.status(
            "nothing to resume in %s; starting the audit from the beginning", set.target());
      }
      journal = FileJournal.create(dir, fingerprint);
    }
    PrintWriter err = output.err();
    running = true;
    hook =
        new Thread(
            () -> {
              if (running && FileJournal.chunksRecorded(journal.dir()) > 0) {
                err.println();
                err.println("interrupted; resume with: " + command);
                err.flush();
              }
            },
            "depthscope-resume-hint");
    Runtime.getRuntime().addShutdownHook(hook);
    return journal;
  }

  /** After the audit: what came from the journal, when anything did. */
  void report() {
    if (journal != null && (journal.restoredChunks() > 0 || journal.restoredPasses() > 0)) {
      output.status(
          "taken from the journal: %d chunks (%,d block evaluations) and %d joint passes",
          journal.restoredChunks(), journal.restoredEvaluations(), journal.restoredPasses());
    }
  }

  /** The set is published: the journal has served its purpose. */
  void published() throws IOException {
    end();
    journal.delete();
  }

  /**
   * The run failed with {@code e}: prints the resume command when there is something to resume, and
   * gives back the exception to throw (a failed journal write as the write failure it is).
   */
  Exception failed(Exception e) {
    end();
    // A non-finite activation would stop a resumed run at the same place: nothing to resume.
    if (journal != null
        && !(e instanceof NonFiniteException)
        && FileJournal.chunksRecorded(journal.dir()) > 0) {
      output.err().println("depthscope: the audit can be resumed: " + command);
      output.err().flush();
    }
    if (e instanceof UncheckedIOException u && u.getCause() instanceof OutputWriteException w) {
      return w;
    }
    return e;
  }

  /** No more resume hint (the run ended either way). */
  void end() {
    running = false;
    if (hook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is already shutting down.
      }
      hook = null;
    }
  }
}
