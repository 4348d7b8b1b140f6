package io.patron.security.internal;

import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Component;

@Component
class AdminUserDetailsService implements UserDetailsService {

    private final AdminUserRepository repository;

    AdminUserDetailsService(AdminUserRepository repository) {
        this.repository = repository;
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        return repository.credentials(username == null ? "" : username.trim().toLowerCase())
                .map(c -> new AdminUserDetails(c.user(), c.passwordHash(), c.sessionVersion()))
                .orElseThrow(() -> new UsernameNotFoundException("unknown user"));
    }
}
