package dev.depthscope.core.eval;

import java.util.List;

/**
 * One multiple-choice question.
 *
 * @param question the prompt
 * @param choices the candidate answers
 * @param answer index of the right choice
 */
public record McQuestion(String question, List<String> choices, int answer)
    implements java.io.Serializable {
  public McQuestion {
    choices = List.copyOf(choices);
    if (choices.size() < 2) {
      throw new IllegalArgumentException("a question needs at least two choices");
    }
    if (answer < 0 || answer >= choices.size()) {
      throw new IllegalArgumentException(
          "answer " + answer + " is not a choice index (0.." + (choices.size() - 1) + ")");
    }
  }
}
