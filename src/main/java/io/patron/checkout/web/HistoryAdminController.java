package io.patron.checkout.web;

import io.patron.checkout.HistoryImport;
import io.patron.checkout.HistoryReport;
import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.common.UploadJobs;
import io.patron.stores.Store;
import io.patron.stores.Stores;
import jakarta.annotation.PreDestroy;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

/**
 * Upload purchase history (Patron's CSV format or UCI Online Retail), history only or replayed
 * through the active programme, and watch it run. A replay moves points: administrators only.
 */
@Controller
@RequestMapping("/admin/history")
@PreAuthorize("hasRole('ADMIN')")
class HistoryAdminController {

    private final HistoryImport history;
    private final Stores stores;
    private final UploadJobs<HistoryReport> jobs = new UploadJobs<>("history-import");

    HistoryAdminController(HistoryImport history, Stores stores) {
        this.history = history;
        this.stores = stores;
    }

    @GetMapping("/import")
    String form(Model model) {
        model.addAttribute("stores", stores.list(new PageRequest(0, io.patron.common.Page.SIZE_MAX)).items());
        return "points/history-import";
    }

    @PostMapping("/import")
    String upload(@RequestParam("file") MultipartFile file, @RequestParam("store") long storeId,
                  @RequestParam(value = "mode", defaultValue = "HISTORY") HistoryImport.Mode mode, Model model) throws IOException {
        if (file.isEmpty()) {
            model.addAttribute("problem", "members.import.empty");
            return form(model);
        }
        Store store = stores.find(new io.patron.stores.StoreId(storeId))
                .orElseThrow(() -> ProblemException.invalid("store", "no such store"));
        String id = jobs.start(file.getInputStream(), file.getOriginalFilename(), (path, progress) -> {
            try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                return history.importReader(reader, store.id(), mode, progress);
            }
        });
        return "redirect:/admin/history/import/" + id;
    }

    @GetMapping("/import/{id}")
    String job(@PathVariable String id, @RequestHeader(value = "HX-Request", required = false) String htmx, Model model) {
        model.addAttribute("job", jobs.find(id).orElseThrow(() ->
                ProblemException.notFound("IMPORT_NOT_FOUND", "No such import on this server.")));
        return htmx != null ? "points/history-job :: progress" : "points/history-job";
    }

    @PreDestroy
    void stop() {
        jobs.close();
    }
}
