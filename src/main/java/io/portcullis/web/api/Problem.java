package io.portcullis.web.api;

import io.portcullis.web.ErrorModel;

/**
 * An RFC 9457 problem: the REST API's error body ({@code application/problem+json}).
 *
 * @param status HTTP status
 * @param title  short summary of the problem type
 * @param detail what went wrong with this request
 */
public record Problem(int status, String title, String detail) {
  /** A problem titled with the status's standard reason phrase. */
  public static Problem of(int status, String detail) {
    return new Problem(status, ErrorModel.title(status), detail);
  }

  public static Problem badRequest(String detail) {
    return of(400, detail);
  }

  public static Problem notFound(String detail) {
    return of(404, detail);
  }

  /** Thrown by API handlers; written out as the problem body. */
  public static final class Failure extends RuntimeException {
    private final Problem problem;

    public Failure(Problem problem) {
      super(problem.detail(), null, false, false);
      this.problem = problem;
    }

    public Problem problem() {
      return problem;
    }
  }

  public Failure failure() {
    return new Failure(this);
  }
}
