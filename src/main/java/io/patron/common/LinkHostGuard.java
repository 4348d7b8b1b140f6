package io.patron.common;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.HtmlUtils;

/**
 * Refuses the requests that send a member a link (sign-in links, the sign-up welcome) when their
 * {@code Host} is not one of this installation's names. The links come from {@link PublicUrl} whatever
 * the request says; refusing a foreign Host as well keeps a poisoned request from even triggering a mail.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
class LinkHostGuard extends OncePerRequestFilter {

    private static final Set<String> LINK_BUILDING = Set.of("/portal/login", "/portal/login/code", "/portal/login/card", "/portal/signup");

    private final PublicUrl publicUrl;

    LinkHostGuard(PublicUrl publicUrl) {
        this.publicUrl = publicUrl;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod()) || !LINK_BUILDING.contains(request.getRequestURI());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (publicUrl.allowsHost(request.getHeader("Host"))) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        response.setContentType("text/html;charset=UTF-8");
        response.getWriter().write("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Patron</title></head><body><p id=\"unknown-host\">"
                + HtmlUtils.htmlEscape("Unknown host. Open Patron at " + publicUrl.base() + ".") + "</p></body></html>");
    }
}
