package io.patron.security.internal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Method;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.method.PreAuthorizeAuthorizationManager;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Checks an endpoint's roles ({@code @PreAuthorize} on the method or its controller) before its
 * request is read: a caller without the role gets 403 whatever they sent, instead of learning from a
 * 400 or a 415 which parameters the endpoint takes. Method security still checks again on the call;
 * expressions that look at the arguments (none do) would be checked there only.
 */
@Component
class RolesFirst implements HandlerInterceptor, WebMvcConfigurer {

    private final PreAuthorizeAuthorizationManager manager = new PreAuthorizeAuthorizationManager();

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod method)
                || AnnotatedElementUtils.findMergedAnnotation(method.getMethod(), PreAuthorize.class) == null
                && AnnotatedElementUtils.findMergedAnnotation(method.getBeanType(), PreAuthorize.class) == null) {
            return true;
        }
        AuthorizationResult result = manager.authorize(() -> SecurityContextHolder.getContext().getAuthentication(), invocation(method));
        if (result != null && !result.isGranted()) {
            throw new AuthorizationDeniedException("Access Denied", result);
        }
        return true;
    }

    /** The call as method security sees it, without its arguments (not read yet). */
    private static MethodInvocation invocation(HandlerMethod handler) {
        Method method = handler.getMethod();
        Object target = handler.getBean();
        return new MethodInvocation() {
            @Override
            public Method getMethod() {
                return method;
            }

            @Override
            public Object[] getArguments() {
                return new Object[method.getParameterCount()];
            }

            @Override
            public Object proceed() {
                throw new UnsupportedOperationException("only for the authorization check");
            }

            @Override
            public Object getThis() {
                return target;
            }

            @Override
            public AccessibleObject getStaticPart() {
                return method;
            }
        };
    }
}
