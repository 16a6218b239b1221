package io.portcullis.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.identity.AlreadyExistsException;
import io.portcullis.identity.ConflictException;
import io.portcullis.identity.ForbiddenException;
import io.portcullis.identity.IdentityException;
import io.portcullis.identity.InvalidNameException;
import io.portcullis.identity.InvalidValueException;
import io.portcullis.identity.NotFoundException;
import io.portcullis.repository.RepositoryException;
import io.portcullis.shared.RegistryError;

/**
 * The one table from failures to HTTP answers, used by every mount, by the server's own refusals
 * (unknown paths, URIs Jetty will not route, 500s) and by the REST API. Each surface speaks its own
 * error dialect: the OCI error JSON under {@code /v2}, RFC 9457 problems everywhere else.
 */
public final class ErrorModel {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ErrorModel() {}

  /** The status a registry failure is answered with, per the distribution spec. */
  public static int status(RegistryError error) {
    return switch (error) {
      case BLOB_UNKNOWN, BLOB_UPLOAD_UNKNOWN, MANIFEST_UNKNOWN, NAME_UNKNOWN -> 404;
      case BLOB_UPLOAD_INVALID, DIGEST_INVALID, MANIFEST_BLOB_UNKNOWN, MANIFEST_INVALID, NAME_INVALID,
           TAG_INVALID, SIZE_INVALID, PAGINATION_NUMBER_INVALID -> 400;
      case MANIFEST_TOO_LARGE -> 413;
      case UNSUPPORTED_MEDIA_TYPE -> 415;
      case RANGE_INVALID, REQUESTED_RANGE_NOT_SATISFIABLE -> 416;
      case UNAUTHORIZED -> 401;
      case DENIED, PULL_REFUSED -> 403;
      case TAG_IMMUTABLE -> 409;
      case TOO_MANY_REQUESTS -> 429;
      case UPSTREAM_UNAVAILABLE -> 503;
      case UNSUPPORTED -> 405;
    };
  }

  /** The status an identity failure is answered with. */
  public static int status(IdentityException error) {
    return switch (error) {
      case NotFoundException x -> 404;
      case AlreadyExistsException x -> 409;
      case ConflictException x -> 409;
      case InvalidNameException x -> 400;
      case InvalidValueException x -> 400;
      case ForbiddenException x -> 403;
    };
  }

  /** The status a repository failure is answered with. */
  public static int status(RepositoryException error) {
    return switch (error.kind()) {
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS -> 409;
      case INVALID -> 400;
    };
  }

  /** The status a refused policy operation is answered with. */
  public static int status(io.portcullis.policy.PolicyException error) {
    return switch (error.kind()) {
      case NOT_FOUND -> 404;
      case INVALID -> 400;
      case FORBIDDEN -> 403;
    };
  }

  /** The status a refused mirror operation is answered with. */
  public static int status(io.portcullis.mirror.MirrorException error) {
    return switch (error.kind()) {
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS -> 409;
      case INVALID -> 400;
    };
  }

  /** The status a refused pull gate or allowlist operation is answered with. */
  public static int status(io.portcullis.policy.gate.GateException error) {
    return switch (error.reason()) {
      case NOT_FOUND -> 404;
      case INVALID -> 400;
      case FORBIDDEN -> 403;
    };
  }

  /** The status a refused webhook operation is answered with. */
  public static int status(io.portcullis.webhooks.WebhookException error) {
    return switch (error.reason()) {
      case NOT_FOUND -> 404;
      case INVALID -> 400;
      case FORBIDDEN -> 403;
      case CONFLICT -> 409;
    };
  }

  /** The standard reason phrase, used as a problem's title. */
  public static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 413 -> "Content Too Large";
      case 414 -> "URI Too Long";
      case 415 -> "Unsupported Media Type";
      case 416 -> "Range Not Satisfiable";
      case 429 -> "Too Many Requests";
      case 431 -> "Request Header Fields Too Large";
      case 503 -> "Service Unavailable";
      default -> status >= 500 ? "Internal Server Error" : "Error";
    };
  }

  /** Whether requests to {@code path} are answered in the registry protocol's error dialect. */
  public static boolean isRegistryPath(String path) {
    return path != null && (path.equals("/v2") || path.startsWith("/v2/"));
  }

  /** The OCI error body {@code {"errors":[{code, message, detail}]}}. */
  public static byte[] ociBody(String code, String message, Object detail) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode error = body.putArray("errors").addObject();
    error.put("code", code);
    error.put("message", message);
    if (detail instanceof ObjectNode node) {
      error.set("detail", node);
    } else if (detail != null) {
      error.put("detail", detail.toString());
    }
    return write(body);
  }

  /** An RFC 9457 problem body. */
  public static byte[] problemBody(int status, String title, String detail, String instance) {
    ObjectNode body = JSON.createObjectNode();
    body.put("type", "about:blank");
    body.put("title", title);
    body.put("status", status);
    if (detail != null) {
      body.put("detail", detail);
    }
    if (instance != null) {
      body.put("instance", instance);
    }
    return write(body);
  }

  /**
   * The answer to a failure that has no domain error behind it (an unknown path, a URI or header the
   * server refuses before routing, an internal error), in the dialect of the path.
   */
  public static Answer generic(String path, int status, String detail) {
    if (isRegistryPath(path)) {
      String code = switch (status) {
        case 401 -> "UNAUTHORIZED";
        case 403 -> "DENIED";
        case 404 -> "NOT_FOUND";
        case 429 -> "TOOMANYREQUESTS";
        default -> status >= 500 ? "UNKNOWN" : "UNSUPPORTED";
      };
      return new Answer(status, "application/json", ociBody(code, title(status).toLowerCase(java.util.Locale.ROOT), detail));
    }
    return new Answer(status, "application/problem+json", problemBody(status, title(status), detail, null));
  }

  /** A complete error answer: status, content type and body. */
  public record Answer(int status, String contentType, byte[] body) {}

  private static byte[] write(ObjectNode body) {
    try {
      return JSON.writeValueAsBytes(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write an error body", e);
    }
  }
}
