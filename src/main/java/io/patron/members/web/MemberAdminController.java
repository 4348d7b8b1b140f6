package io.patron.members.web;

import io.patron.audit.AuditLog;
import io.patron.common.FieldViolation;
import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.members.EnrolmentChannel;
import io.patron.members.Member;
import io.patron.members.MemberCategory;
import io.patron.members.MemberId;
import io.patron.members.Members;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The admin pages for members: list and search, enrol, the member page with its actions, edit. */
@Controller
@RequestMapping("/admin/members")
@PreAuthorize("hasAnyRole('ADMIN','SUPPORT','MARKETER','ANALYST')")
class MemberAdminController {

    private static final String WRITE = "hasAnyRole('ADMIN','SUPPORT')";
    private static final int PAGE_SIZE = 25;

    private final Members members;
    private final AuditLog audit;

    MemberAdminController(Members members, AuditLog audit) {
        this.members = members;
        this.audit = audit;
    }

    @GetMapping
    String list(@RequestParam(defaultValue = "") String q, @RequestParam(defaultValue = "0") int page,
                @RequestHeader(value = "HX-Request", required = false) String htmx, Model model) {
        Page<Member> found = members.search(q, new PageRequest(Math.max(0, page), PAGE_SIZE));
        model.addAttribute("q", q);
        model.addAttribute("page", found);
        model.addAttribute("cards", members.primaryCardNumbers(found.items()));
        return htmx != null ? "members/list :: results" : "members/list";
    }

    @GetMapping("/new")
    @PreAuthorize(WRITE)
    String newForm(Model model) {
        return form(model, MemberForm.empty(), null, List.of());
    }

    @PostMapping
    @PreAuthorize(WRITE)
    String enrol(MemberForm form, Model model, RedirectAttributes redirect) {
        try {
            Member member = members.enrol(form.forEnrolment(), EnrolmentChannel.ADMIN, null).member();
            redirect.addFlashAttribute("notice", "members.notice.enrolled");
            return "redirect:/admin/members/" + member.id();
        } catch (ProblemException e) {
            return form(model, form, null, errors(e));
        }
    }

    @GetMapping("/{id}")
    String page(@PathVariable long id, Model model) {
        MemberId memberId = new MemberId(id);
        Member member = members.get(memberId);
        model.addAttribute("member", member);
        model.addAttribute("cards", members.cards(memberId));
        model.addAttribute("referrals", members.referralCount(memberId));
        model.addAttribute("trail", audit.trail("member", memberId));
        if (member.referredBy() != null) {
            model.addAttribute("referrer", members.find(member.referredBy()).orElse(null));
        }
        return "members/page";
    }

    @GetMapping("/{id}/edit")
    @PreAuthorize(WRITE)
    String editForm(@PathVariable long id, Model model) {
        Member member = members.get(new MemberId(id));
        return form(model, MemberForm.of(member), member, List.of());
    }

    @PostMapping("/{id}/edit")
    @PreAuthorize(WRITE)
    String edit(@PathVariable long id, MemberForm form, Model model, RedirectAttributes redirect) {
        Member member = members.get(new MemberId(id));
        try {
            members.update(member.id(), form.forUpdate(), EnrolmentChannel.ADMIN);
            redirect.addFlashAttribute("notice", "members.saved");
            return "redirect:/admin/members/" + id;
        } catch (ProblemException e) {
            return form(model, form, member, errors(e));
        }
    }

    @PostMapping("/{id}/block")
    @PreAuthorize(WRITE)
    String block(@PathVariable long id, @RequestParam(defaultValue = "") String reason, RedirectAttributes redirect) {
        return act(id, redirect, "members.blocked", () -> members.block(new MemberId(id), reason));
    }

    @PostMapping("/{id}/unblock")
    @PreAuthorize(WRITE)
    String unblock(@PathVariable long id, RedirectAttributes redirect) {
        return act(id, redirect, "members.unblocked", () -> members.unblock(new MemberId(id)));
    }

    @PostMapping("/{id}/cards")
    @PreAuthorize(WRITE)
    String addCard(@PathVariable long id, @RequestParam(defaultValue = "") String cardNumber, RedirectAttributes redirect) {
        return act(id, redirect, "members.cardAdded", () -> members.addCard(new MemberId(id), cardNumber));
    }

    @PostMapping("/{id}/cards/{number}/reissue")
    @PreAuthorize(WRITE)
    String reissue(@PathVariable long id, @PathVariable String number,
                   @RequestParam(defaultValue = "") String cardNumber, RedirectAttributes redirect) {
        return act(id, redirect, "members.cardReissued", () -> members.reissueCard(new MemberId(id), number, cardNumber));
    }

    @PostMapping("/{id}/merge")
    @PreAuthorize(WRITE)
    String merge(@PathVariable long id, @RequestParam(defaultValue = "") String duplicate, RedirectAttributes redirect) {
        return act(id, redirect, "members.merged", () -> {
            Member other = members.findByCard(duplicate)
                    .or(() -> duplicate.matches("\\d{1,18}") ? members.find(new MemberId(Long.parseLong(duplicate)))
                            : java.util.Optional.empty())
                    .or(() -> members.findByEmail(duplicate)).or(() -> members.findByPhone(duplicate))
                    .orElseThrow(() -> ProblemException.notFound("MEMBER_NOT_FOUND", "No member matches '" + duplicate + "'."));
            return members.merge(new MemberId(id), other.id());
        });
    }

    @PostMapping("/{id}/erase")
    @PreAuthorize(WRITE)
    String erase(@PathVariable long id, @RequestParam(defaultValue = "") String confirm, RedirectAttributes redirect) {
        return act(id, redirect, "members.erased", () -> {
            if (!"ERASE".equals(confirm.trim())) {
                throw ProblemException.invalid("confirm", "type ERASE to confirm");
            }
            return members.erase(new MemberId(id));
        });
    }

    @GetMapping("/{id}/export")
    @PreAuthorize(WRITE)
    ResponseEntity<Map<String, Object>> export(@PathVariable long id) {
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"member-" + id + ".json\"")
                .contentType(MediaType.APPLICATION_JSON).body(members.export(new MemberId(id)));
    }

    private String form(Model model, MemberForm form, Member member, List<FieldViolation> errors) {
        model.addAttribute("form", form);
        model.addAttribute("member", member);
        model.addAttribute("errors", errors);
        model.addAttribute("allCategories", MemberCategory.values());
        return "members/form";
    }

    private String act(long id, RedirectAttributes redirect, String notice, java.util.function.Supplier<Object> action) {
        try {
            action.get();
            redirect.addFlashAttribute("notice", notice);
        } catch (ProblemException e) {
            redirect.addFlashAttribute("problem", e.errors().isEmpty() ? e.getMessage()
                    : e.errors().getFirst().field() + ": " + e.errors().getFirst().message());
        }
        return "redirect:/admin/members/" + id;
    }

    private static List<FieldViolation> errors(ProblemException e) {
        return e.violations();
    }
}
