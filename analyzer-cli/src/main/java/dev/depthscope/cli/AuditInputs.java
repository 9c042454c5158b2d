package dev.depthscope.cli;

import dev.depthscope.core.analysis.AuditIntervals;
import dev.depthscope.core.analysis.LayerAudit;
import dev.depthscope.core.eval.McFormat;
import dev.depthscope.core.eval.McItems;
import dev.depthscope.core.eval.McQuestions;
import dev.depthscope.core.eval.TextWindows;
import dev.depthscope.core.eval.TokenIdsFile;
import dev.depthscope.core.io.ReadErrors;
import dev.depthscope.core.model.CausalLm;
import dev.depthscope.core.tokenize.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the evaluation data of {@code audit} (the {@code --text} windows, the {@code --token-ids}
 * rows, the {@code --mc} items), each step behind a status line, and refuses data that would not
 * measure what the audit claims: rows longer than the model's {@code max_position_embeddings}
 * (unless {@code --allow-longer}, which warns). A text shorter than one window is refused by {@link
 * TextWindows}; a single sequence is warned about, since it gives no bootstrap interval.
 *
 * @param text {@code --text} (or null)
 * @param tokenIds {@code --token-ids} (or null)
 * @param mc {@code --mc} (or null)
 * @param tokenizerDir directory of {@code tokenizer.json}
 * @param seqLen {@code --seq-len}
 * @param maxTokens {@code --max-tokens}
 * @param allowLonger {@code --allow-longer}
 * @param mcFormat the prompt format of the {@code --mc} questions (null for plain zero-shot)
 */
record AuditInputs(
    Path text,
    Path tokenIds,
    Path mc,
    Path tokenizerDir,
    int seqLen,
    long maxTokens,
    boolean allowLonger,
    McFormat mcFormat) {

  /** Inputs whose questions are plain zero-shot. */
  AuditInputs(
      Path text,
      Path tokenIds,
      Path mc,
      Path tokenizerDir,
      int seqLen,
      long maxTokens,
      boolean allowLonger) {
    this(text, tokenIds, mc, tokenizerDir, seqLen, maxTokens, allowLonger, null);
  }

  /** Reads the data for {@code lm}, printing status lines and warnings through {@code output}. */
  LayerAudit.Inputs read(CausalLm lm, OutputOptions output) {
    int context = lm.config().maxPositionEmbeddings();
    if (text != null) {
      checkContext(
          "--seq-len " + seqLen + " is",
          seqLen,
          context,
          "pass --seq-len " + context + " or less",
          output);
    }
    long[][] rows = null;
    McItems items = null;
    List<String> sources = new ArrayList<>();
    // The status line comes before the tokenizer loads: a large one takes a while to read.
    Path first = text != null ? text : mc;
    if (first != null) {
      output.status("tokenizing %s ...", first.getFileName());
    }
    long t0 = System.nanoTime();
    try (TextTokenizer tok = first != null ? TextTokenizer.load(tokenizerDir) : null) {
      if (text != null) {
        String name = text.getFileName().toString();
        TextWindows.Cut cut = TextWindows.cut(text, tok, seqLen, maxTokens);
        rows = cut.windows();
        output.status(
            "%s: %s%,d tokens -> %d window%s of %d tokens (%.1f s)",
            name,
            cut.wholeText() ? "" : "a prefix of ",
            cut.textTokens(),
            rows.length,
            rows.length == 1 ? "" : "s",
            seqLen,
            (System.nanoTime() - t0) / 1e9);
        sources.add("text:" + name);
      } else if (tokenIds != null) {
        rows = TokenIdsFile.read(tokenIds);
        sources.add("token-ids:" + tokenIds.getFileName());
      }
      if (rows != null) {
        lm.validateIds(rows);
        if (tokenIds != null) {
          checkContext(
              "the --token-ids rows have " + rows[0].length + " tokens,",
              rows[0].length,
              context,
              "use rows of at most " + context + " tokens",
              output);
        }
        if (rows.length < AuditIntervals.MIN_UNITS) {
          output.warning(
              "%s gives %d sequence: no bootstrap interval (needs at least %d sequences); %s",
              sources.get(0),
              rows.length,
              AuditIntervals.MIN_UNITS,
              text != null ? "pass a smaller --seq-len or a longer text" : "give more rows");
        }
      }
      if (mc != null) {
        if (text != null) {
          output.status("tokenizing %s ...", mc.getFileName());
        }
        // lm-eval's max_length: the config's context, rows left-truncated to it (+1 target).
        int maxLength = context > 0 ? context : Integer.MAX_VALUE - 1;
        items =
            McItems.of(
                McQuestions.read(mc),
                mcFormat == null ? McFormat.plain() : mcFormat,
                tok,
                maxLength);
        for (long[] r : items.rows()) {
          lm.validateIds(new long[][] {r});
        }
        if (items.truncatedQuestions() > 0) {
          output.warning(
              "%d of %d --mc questions are longer than the model's %d positions: their contexts"
                  + " are cut from the left, as lm-evaluation-harness does",
              items.truncatedQuestions(), items.questions().size(), maxLength);
        }
        sources.add("mc:" + mc.getFileName());
      }
    }
    return new LayerAudit.Inputs(String.join(" + ", sources), rows, items);
  }

  /**
   * Refuses {@code length} tokens beyond the model's {@code context}, or with {@code
   * --allow-longer} warns about them; {@code what} starts the message, {@code fix} says what to
   * change.
   */
  private void checkContext(
      String what, int length, int context, String fix, OutputOptions output) {
    if (context <= 0 || length <= context) {
      return;
    }
    String why =
        String.format(
            Locale.ROOT,
            "longer than the model's max_position_embeddings (%d): positions past it were never"
                + " trained, so the NLL there says little about the layers",
            context);
    if (!allowLonger) {
      throw new IllegalArgumentException(
          what + " " + why + "; " + fix + ", or pass --allow-longer to audit anyway");
    }
    output.warning("%s %s; auditing anyway (--allow-longer)", what, why);
  }

  /** Refuses a missing, unreadable or directory {@code file} (null: nothing to check). */
  static void requireReadable(Path file) {
    if (file == null) {
      return;
    }
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(file + ": is a directory, expected a file");
    }
    try {
      Files.newByteChannel(file).close();
    } catch (IOException e) {
      throw new IllegalArgumentException(ReadErrors.ioMessage(file, e));
    }
  }
}
