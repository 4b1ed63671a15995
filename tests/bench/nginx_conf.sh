# Sourced by the benchmarks that put nginx in front of the clients they measure.
# nginx_conf_head WORK: the start of an nginx.conf (up to inside the http block) for an nginx run
# as this user, in the foreground, with one worker and everything (pid, logs, temporary files)
# under WORK/nginx, so no system folder is touched. The caller adds its directives and server
# block and closes the http block.
nginx_conf_head() {
    local work=$1
    mkdir -p "$work/nginx"
    cat <<CONF
daemon off;
master_process on;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
CONF
}
