package io.portcullis.identity;

import io.portcullis.auth.Action;
import java.util.Set;

/** What a robot may do on one repository of its organization: some of pull, push, delete. */
public record RobotGrant(String robot, String repository, Set<Action> actions) {
  public RobotGrant {
    actions = Action.orderedSet(actions);
  }
}
