package dev.depthscope.core.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How questions become lm-evaluation-harness prompts ({@code --mc-format}).
 *
 * <ul>
 *   <li>{@link Style#PLAIN}: a plain {@code multiple_choice} task with {@code doc_to_text} the
 *       question as written and {@code doc_to_choice} the answer texts.
 *   <li>{@link Style#MMLU}: lm-eval's {@code mmlu} task: {@code doc_to_text} is the stripped
 *       question, then {@code "\nA. "}.. {@code "\nD. "} with the four choices and {@code
 *       "\nAnswer:"}; the choices scored are the letters A..D; the description line {@code "The
 *       following are multiple choice questions (with answers) about SUBJECT.\n\n"} (underscores of
 *       the subject read as spaces) comes first when a subject is given.
 * </ul>
 *
 * <p>Few-shot examples are the first {@code fewshot} questions of the dev file in file order (lm-
 * eval's {@code first_n} sampler over a separate split), each written as its {@code doc_to_text},
 * the target delimiter, its right choice and the few-shot delimiter {@code "\n\n"}, between the
 * description and the question.
 *
 * @param style the prompt style
 * @param subject the MMLU subject (null for no description line)
 * @param fewshot the number of few-shot examples (0 for none)
 * @param dev the few-shot pool (empty when {@code fewshot} is 0)
 */
public record McFormat(Style style, String subject, int fewshot, List<McQuestion> dev) {
  /** The prompt styles. */
  public enum Style {
    /** The question as the context, the answer texts as the choices. */
    PLAIN,
    /** lm-eval's {@code mmlu} prompt and letters. */
    MMLU;

    /** The style named {@code name} (case-insensitive), or an error listing the styles. */
    public static Style parse(String name) {
      for (Style s : values()) {
        if (s.name().equalsIgnoreCase(name)) {
          return s;
        }
      }
      throw new IllegalArgumentException(
          "--mc-format must be plain or mmlu, found \"" + name + "\"");
    }

    /** The style's name as the CLI spells it. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** lm-eval's default {@code fewshot_delimiter}. */
  public static final String FEWSHOT_DELIMITER = "\n\n";

  private static final List<String> LETTERS = List.of("A", "B", "C", "D");

  public McFormat {
    dev = List.copyOf(dev);
    if (fewshot < 0) {
      throw new IllegalArgumentException("--mc-fewshot must be 0 or more, found " + fewshot);
    }
    if (fewshot > dev.size()) {
      throw new IllegalArgumentException(
          "--mc-fewshot "
              + fewshot
              + " needs that many dev questions (--mc-dev), found "
              + dev.size());
    }
  }

  /** The plain format, zero-shot: what {@code --mc FILE} alone does. */
  public static McFormat plain() {
    return new McFormat(Style.PLAIN, null, 0, List.of());
  }

  /** The prompts of {@code questions}. */
  public List<McPrompt> prompts(List<McQuestion> questions) {
    StringBuilder prefix = new StringBuilder();
    if (subject != null && !subject.isEmpty()) {
      prefix
          .append("The following are multiple choice questions (with answers) about ")
          .append(subject.replace('_', ' '))
          .append(".\n\n");
    }
    for (int i = 0; i < fewshot; i++) {
      McQuestion q = dev.get(i);
      prefix
          .append(text(q))
          .append(McPrompt.TARGET_DELIMITER)
          .append(choices(q).get(q.answer()))
          .append(FEWSHOT_DELIMITER);
    }
    List<McPrompt> out = new ArrayList<>();
    for (int i = 0; i < questions.size(); i++) {
      McQuestion q = questions.get(i);
      if (style == Style.MMLU && q.choices().size() != 4) {
        throw new IllegalArgumentException(
            "question "
                + (i + 1)
                + ": --mc-format mmlu needs 4 choices, found "
                + q.choices().size());
      }
      out.add(new McPrompt(prefix + text(q), choices(q), q.answer()));
    }
    return out;
  }

  /** A description for the report, e.g. {@code mmlu, subject anatomy, 5-shot}. */
  public String description() {
    StringBuilder s = new StringBuilder(style.label());
    if (subject != null && !subject.isEmpty()) {
      s.append(", subject ").append(subject);
    }
    s.append(", ").append(fewshot).append("-shot");
    return s.toString();
  }

  private String text(McQuestion q) {
    if (style == Style.PLAIN) {
      return q.question();
    }
    StringBuilder s = new StringBuilder(pythonStrip(q.question()));
    for (int c = 0; c < 4; c++) {
      s.append('\n').append(LETTERS.get(c)).append(". ").append(q.choices().get(c));
    }
    return s.append("\nAnswer:").toString();
  }

  private List<String> choices(McQuestion q) {
    return style == Style.PLAIN ? q.choices() : LETTERS;
  }

  /** Python's {@code str.strip()}: whitespace removed from both ends. */
  static String pythonStrip(String s) {
    int a = 0;
    int b = s.length();
    while (a < b && LmEvalEncoding.isPythonSpace(s.charAt(a))) {
      a++;
    }
    while (b > a && LmEvalEncoding.isPythonSpace(s.charAt(b - 1))) {
      b--;
    }
    return s.substring(a, b);
  }
}
