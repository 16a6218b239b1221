package io.portcullis.identity.oidc;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Plays the browser against oidc-provider's development login and consent forms, as
 * ../shared/scripts/oidc-login-curl.sh does: follows redirects by hand, submits each form with its
 * hidden fields (and the login name on the login form), and stops at the redirect to the registry's
 * callback.
 */
public final class LoginForms {
  private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*action=\"([^\"]+)\"");
  private static final Pattern INPUT = Pattern.compile("<input([^>]*)>");
  private static final Pattern NAME = Pattern.compile("name=\"([^\"]+)\"");
  private static final Pattern VALUE = Pattern.compile("value=\"([^\"]*)\"");
  private static final int MAX_STEPS = 20;

  private final HttpClient browser = HttpClient.newBuilder()
      .cookieHandler(new CookieManager())
      .followRedirects(HttpClient.Redirect.NEVER)
      .build();

  /** Logs {@code user} in (any password works) and returns the callback's raw query string. */
  public static String login(URI authorizationUrl, URI callback, String user) throws IOException, InterruptedException {
    return new LoginForms().run(authorizationUrl, callback, user);
  }

  private String run(URI authorizationUrl, URI callback, String user) throws IOException, InterruptedException {
    HttpResponse<String> response = get(authorizationUrl);
    for (int step = 0; step < MAX_STEPS; step++) {
      if (response.statusCode() / 100 == 3) {
        URI location = response.uri().resolve(response.headers().firstValue("Location").orElseThrow());
        if (location.getScheme().equals(callback.getScheme()) && location.getRawAuthority().equals(callback.getRawAuthority())
            && location.getRawPath().equals(callback.getRawPath())) {
          return location.getRawQuery();
        }
        response = get(location);
      } else if (response.statusCode() == 200) {
        response = submitForm(response, user);
      } else {
        fail("provider answered " + response.statusCode() + " at " + response.uri() + ":\n" + response.body());
      }
    }
    return fail("no callback after " + MAX_STEPS + " steps");
  }

  private HttpResponse<String> submitForm(HttpResponse<String> page, String user) throws IOException, InterruptedException {
    Matcher action = FORM_ACTION.matcher(page.body());
    if (!action.find()) {
      fail("no form at " + page.uri() + ":\n" + page.body());
    }
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher input = INPUT.matcher(page.body());
    while (input.find()) {
      Matcher name = NAME.matcher(input.group(1));
      if (name.find()) {
        Matcher value = VALUE.matcher(input.group(1));
        fields.put(name.group(1), switch (name.group(1)) {
          case "login" -> user;
          case "password" -> "any";
          default -> value.find() ? value.group(1) : "";
        });
      }
    }
    String form = fields.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    return browser.send(HttpRequest.newBuilder(page.uri().resolve(action.group(1)))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return browser.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
  }
}
