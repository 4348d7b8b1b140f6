package io.patron.sms.web;

import io.patron.common.ProblemException;
import io.patron.sms.SmsChannel;
import io.patron.sms.SmsDeliveryReport;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Delivery reports from an HTTP gateway: {@code GET or POST /sms/reports/{token}?id=…&status=…} (the
 * parameter names and the statuses that mean "delivered" are configurable). The token in the path,
 * {@code patron.sms.http.report-token}, is the authority; without one configured the endpoint is absent.
 */
@RestController
class SmsReportController {

    private static final int VALUE_MAX = 100;

    private final SmsChannel channel;
    private final byte[] token;
    private final String idParam;
    private final String statusParam;
    private final Set<String> deliveredValues;

    SmsReportController(SmsChannel channel, @Value("${patron.sms.http.report-token:}") String token,
                        @Value("${patron.sms.http.report-id-param:id}") String idParam,
                        @Value("${patron.sms.http.report-status-param:status}") String statusParam,
                        @Value("${patron.sms.http.delivered-values:delivered,DELIVRD,DELIVERED,2}") String deliveredValues) {
        this.channel = channel;
        this.token = token.isBlank() ? null : token.getBytes(StandardCharsets.UTF_8);
        this.idParam = idParam;
        this.statusParam = statusParam;
        this.deliveredValues = Arrays.stream(deliveredValues.split(",")).map(v -> v.trim().toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    @RequestMapping(value = "/sms/reports/{token}", method = {RequestMethod.GET, RequestMethod.POST})
    ResponseEntity<String> report(@PathVariable String token, @RequestParam java.util.Map<String, String> params) {
        if (this.token == null || !MessageDigest.isEqual(this.token, token.getBytes(StandardCharsets.UTF_8))) {
            throw ProblemException.notFound("NOT_FOUND", "No such page.");
        }
        String id = params.get(idParam);
        String status = params.get(statusParam);
        if (id == null || id.isBlank() || id.length() > VALUE_MAX) {
            throw ProblemException.invalid(idParam, "is required, at most " + VALUE_MAX + " characters");
        }
        if (status == null || status.isBlank() || status.length() > VALUE_MAX) {
            throw ProblemException.invalid(statusParam, "is required, at most " + VALUE_MAX + " characters");
        }
        channel.report(new SmsDeliveryReport("http", id.trim(), deliveredValues.contains(status.trim().toLowerCase(Locale.ROOT)), status.trim()));
        return ResponseEntity.ok("OK");
    }
}
