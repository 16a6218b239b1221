package io.portcullis.web.api;

import io.portcullis.auth.Principal;
import io.portcullis.web.Exchange;
import java.io.IOException;

/** One REST operation, run once the acting principal is known. */
@FunctionalInterface
interface Operation {
  void run(Exchange ex, Router.Params p, Principal who) throws IOException;
}
