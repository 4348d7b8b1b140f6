package io.patron.members.web;

import io.patron.common.ProblemException;
import java.io.IOException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;

/** Upload a members CSV, watch its progress, read its report. */
@Controller
@RequestMapping("/admin/members/import")
@PreAuthorize("hasAnyRole('ADMIN','SUPPORT')")
class MemberImportAdminController {

    private final ImportJobs jobs;

    MemberImportAdminController(ImportJobs jobs) {
        this.jobs = jobs;
    }

    @GetMapping
    String form() {
        return "members/import";
    }

    @PostMapping
    String upload(@RequestParam("file") MultipartFile file, Model model) throws IOException {
        if (file.isEmpty()) {
            model.addAttribute("problem", "members.import.empty");
            return "members/import";
        }
        String name = file.getOriginalFilename() == null ? "upload.csv" : file.getOriginalFilename();
        String id = jobs.start(file.getInputStream(), name.length() > 100 ? name.substring(0, 100) : name);
        return "redirect:/admin/members/import/" + id;
    }

    @GetMapping("/{id}")
    String job(@PathVariable String id, @RequestHeader(value = "HX-Request", required = false) String htmx, Model model) {
        model.addAttribute("job", jobs.find(id).orElseThrow(() ->
                ProblemException.notFound("IMPORT_NOT_FOUND", "No such import on this server.")));
        return htmx != null ? "members/import-job :: progress" : "members/import-job";
    }
}
