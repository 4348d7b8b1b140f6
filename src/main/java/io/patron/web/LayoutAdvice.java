package io.patron.web;

import io.patron.common.Caller;
import io.patron.common.Callers;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** Puts the signed-in admin (for the menu and role-dependent buttons) into every page's model. */
@ControllerAdvice(annotations = Controller.class)
class LayoutAdvice {

    @ModelAttribute("me")
    Caller.Admin me() {
        return Callers.admin().orElse(null);
    }
}
