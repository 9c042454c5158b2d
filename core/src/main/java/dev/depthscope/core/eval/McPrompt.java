package dev.depthscope.core.eval;

import java.util.List;

/**
 * One multiple-choice request in lm-evaluation-harness's terms: the context string the model
 * conditions on, the choice strings (what {@code doc_to_choice} gives: {@code acc_norm} divides by
 * their length in characters) and the index of the right one. Each choice is scored as the
 * continuation {@link #TARGET_DELIMITER} + choice.
 *
 * @param context the full prompt (few-shot examples included)
 * @param choices the choice strings, without the delimiter
 * @param answer index of the right choice
 */
public record McPrompt(String context, List<String> choices, int answer) {
  /** lm-eval's default {@code target_delimiter}. */
  public static final String TARGET_DELIMITER = " ";

  public McPrompt {
    choices = List.copyOf(choices);
    if (answer < 0 || answer >= choices.size()) {
      throw new IllegalArgumentException(
          "answer " + answer + " is not a choice index (0.." + (choices.size() - 1) + ")");
    }
  }

  /** The continuation scored for choice {@code c}. */
  public String continuation(int c) {
    return TARGET_DELIMITER + choices.get(c);
  }
}
