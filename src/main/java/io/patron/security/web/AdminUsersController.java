package io.patron.security.web;

import io.patron.common.Callers;
import io.patron.common.Language;
import io.patron.common.ProblemException;
import io.patron.security.AdminRole;
import io.patron.security.AdminUsers;
import io.patron.security.IssuedAdminToken;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Admin users (ADMIN only) and every admin's own API tokens. */
@Controller
class AdminUsersController {

    private final AdminUsers users;

    AdminUsersController(AdminUsers users) {
        this.users = users;
    }

    @GetMapping("/admin/users")
    @PreAuthorize("hasRole('ADMIN')")
    String list(Model model) {
        model.addAttribute("users", users.list());
        model.addAttribute("roles", AdminRole.values());
        model.addAttribute("languages", Language.values());
        return "security/users";
    }

    @PostMapping("/admin/users")
    @PreAuthorize("hasRole('ADMIN')")
    String create(@RequestParam String username, @RequestParam String password,
                  @RequestParam(defaultValue = "") String displayName,
                  @RequestParam(required = false) List<AdminRole> roles, @RequestParam(defaultValue = "en") String language,
                  RedirectAttributes redirect) {
        try {
            users.create(username, password, displayName, roles == null ? Set.of() : EnumSet.copyOf(roles),
                    Language.parse(language).orElse(Language.en));
            redirect.addFlashAttribute("notice", "users.created");
        } catch (ProblemException e) {
            redirect.addFlashAttribute("problem", message(e));
        }
        return "redirect:/admin/users";
    }

    @PostMapping("/admin/users/{id}")
    @PreAuthorize("hasRole('ADMIN')")
    String update(@PathVariable long id, @RequestParam(required = false) List<AdminRole> roles,
                  @RequestParam(defaultValue = "false") boolean enabled, @RequestParam(defaultValue = "en") String language,
                  RedirectAttributes redirect) {
        try {
            users.update(id, null, roles == null ? Set.of() : EnumSet.copyOf(roles),
                    Language.parse(language).orElse(Language.en), enabled);
            redirect.addFlashAttribute("notice", "users.saved");
        } catch (ProblemException e) {
            redirect.addFlashAttribute("problem", message(e));
        }
        return "redirect:/admin/users";
    }

    @GetMapping("/admin/tokens")
    String tokens(Model model) {
        model.addAttribute("tokens", users.tokens(me()));
        model.addAttribute("roles", users.find(me()).map(AdminUsers::tokenRoles).orElse(Set.of()).stream().map(Enum::name).sorted().toList());
        model.addAttribute("maxDays", AdminUsers.TOKEN_DAYS_MAX);
        return "security/tokens";
    }

    /**
     * The new token's secret is shown in the answer to this post, not after a redirect: a flash
     * attribute would pass it through the session table.
     */
    @PostMapping("/admin/tokens")
    String createToken(@RequestParam(defaultValue = "") String name, @RequestParam(defaultValue = "90") int days,
                       @RequestParam(required = false) List<AdminRole> roles, Model model) {
        try {
            IssuedAdminToken issued = users.createToken(me(), name, days, roles == null ? Set.of() : EnumSet.copyOf(roles));
            model.addAttribute("issuedSecret", issued.secret());
        } catch (ProblemException e) {
            model.addAttribute("problem", message(e));
        }
        return tokens(model);
    }

    @PostMapping("/admin/tokens/{id}/revoke")
    String revokeToken(@PathVariable long id) {
        users.revokeToken(me(), id);
        return "redirect:/admin/tokens";
    }

    /** After a new password every session of the user ends, this one too: the user signs in again with it. */
    @PostMapping("/admin/password")
    String changePassword(@RequestParam(defaultValue = "") String currentPassword, @RequestParam String password,
                          RedirectAttributes redirect) {
        try {
            users.changePassword(me(), currentPassword, password);
            return "redirect:/login?passwordChanged";
        } catch (ProblemException e) {
            redirect.addFlashAttribute("problem", message(e));
            return "redirect:/admin/tokens";
        }
    }

    private static long me() {
        return Callers.admin().orElseThrow().userId();
    }

    private static String message(ProblemException e) {
        return e.errors().isEmpty() ? e.getMessage() : e.errors().getFirst().field() + ": " + e.errors().getFirst().message();
    }
}
