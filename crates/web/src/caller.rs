//! Who is calling: a middleware resolves the session cookie or the API token
//! once per request, checks cross-site request forgery on every state-changing
//! request, and leaves an [`Auth`] in the request for the extractors below.
//!
//! - [`Caller`] (JSON API): answers 401 without credentials.
//! - [`crate::pages::Page`] (HTML): redirects to the login page.

use crate::AppState;
use crate::problem::Problem;
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use phongdich_store::{Actor, User};
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

pub(crate) const SESSION_COOKIE: &str = "pd_session";
pub(crate) const LANG_COOKIE: &str = "pd_lang";

/// The interface language, remembered in a cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub(crate) fn t<'a>(self, vi: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }

    pub(crate) fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
}

/// What the middleware learnt about the request.
#[derive(Clone, Default)]
pub(crate) struct Auth {
    pub actor: Option<Actor>,
    /// The logged-in user (absent for API tokens).
    pub user: Option<User>,
    pub session_token: Option<String>,
    pub csrf: Option<String>,
    pub lang: Lang,
    pub source: String,
    /// Whether the request came over TLS (directly or through a proxy).
    pub secure: bool,
}

pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn forbidden(vi: &str, en: &str) -> Response {
    Problem::new(StatusCode::FORBIDDEN, "csrf", vi, en).into_response()
}

/// A trusted proxy: one address (`10.0.0.2`, `::1`) or a network
/// (`10.0.0.0/8`, `fd00::/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProxyNet {
    addr: IpAddr,
    prefix: u8,
}

impl ProxyNet {
    pub fn contains(&self, ip: IpAddr) -> bool {
        fn masked(bits: u128, prefix: u8, width: u8) -> u128 {
            let keep = u32::from(prefix.min(width));
            if keep == 0 {
                0
            } else {
                bits >> (u32::from(width) - keep)
            }
        }
        // An IPv4 peer may arrive as an IPv4-mapped IPv6 address.
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                masked(u32::from(net).into(), self.prefix, 32)
                    == masked(u32::from(ip).into(), self.prefix, 32)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                masked(u128::from(net), self.prefix, 128)
                    == masked(u128::from(ip), self.prefix, 128)
            }
            _ => false,
        }
    }
}

impl FromStr for ProxyNet {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("not an IP address or network: {s}"))?;
        let width = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => width,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= width)
                .ok_or_else(|| format!("not a prefix length: {s}"))?,
        };
        Ok(ProxyNet { addr, prefix })
    }
}

/// One address as written in a forwarding header: `192.0.2.1`, `192.0.2.1:80`,
/// `[2001:db8::1]:80`, `"[2001:db8::1]"`, `2001:db8::1`.
fn forwarded_ip(s: &str) -> Option<IpAddr> {
    let s = s.trim().trim_matches('"');
    if let Ok(ip) = s.parse() {
        return Some(ip);
    }
    if let Some(rest) = s.strip_prefix('[') {
        return rest.split_once(']').and_then(|(ip, _)| ip.parse().ok());
    }
    s.rsplit_once(':').and_then(|(ip, _)| ip.parse().ok())
}

/// The client's address: the peer of the connection, or, when the peer is a
/// trusted proxy, the right-most address in its `X-Forwarded-For` (else
/// `Forwarded`) that is not a trusted proxy. Headers from any other peer are
/// ignored: anyone can write them.
pub(crate) fn client_address(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    trusted: &[ProxyNet],
) -> String {
    let Some(peer) = peer else {
        return "local".into();
    };
    let is_trusted = |ip: IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(peer) {
        return peer.to_string();
    }
    let values = |name: &str| -> Vec<String> {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|v| v.trim().to_owned())
            .collect()
    };
    let mut hops: Vec<String> = values("x-forwarded-for");
    if hops.is_empty() {
        hops = values("forwarded")
            .iter()
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (k, v) = pair.split_once('=')?;
                    k.trim()
                        .eq_ignore_ascii_case("for")
                        .then(|| v.trim().to_owned())
                })
            })
            .collect();
    }
    let mut client = peer;
    for hop in hops.iter().rev() {
        match forwarded_ip(hop) {
            Some(ip) => {
                client = ip;
                if !is_trusted(ip) {
                    break;
                }
            }
            // An address the proxy could not know (`unknown`, garbage):
            // the last one known stands.
            None => break,
        }
    }
    match client {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(|v4| v4.to_string())
            .unwrap_or_else(|| v6.to_string()),
        v4 => v4.to_string(),
    }
}

/// Resolve credentials and enforce CSRF protection.
pub(crate) async fn authenticate(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = req.into_parts();
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let source = client_address(peer, &parts.headers, &state.config.trusted_proxies);
    let h = &parts.headers;
    let lang = match cookie(h, LANG_COOKIE) {
        Some("en") => Lang::En,
        _ => Lang::Vi,
    };
    let secure = h
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    let mut auth = Auth {
        lang,
        source: source.clone(),
        secure,
        ..Auth::default()
    };
    let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);

    // A browser announces where a request comes from; refuse other sites.
    if unsafe_method
        && let (Some(origin), Some(host)) = (
            h.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
            h.get(header::HOST).and_then(|v| v.to_str().ok()),
        )
    {
        let origin_host = origin.split("://").nth(1).unwrap_or(origin);
        if origin != "null" && origin_host != host {
            return forbidden(
                "Yêu cầu từ trang web khác bị từ chối.",
                "A request from another site was refused.",
            );
        }
    }

    // A person's own page (`/k/…`) is used without an account: the token in
    // its path is the credential, checked by its handler. A staff session in
    // the same browser is neither used there nor asked for its CSRF token.
    let path = parts.uri.path();
    // So is the public registration of returnees (`/ve/<province>`).
    let personal_page =
        path == "/k" || path.starts_with("/k/") || path == "/ve" || path.starts_with("/ve/");
    let bearer = h
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|v| v.trim().to_owned())
        .filter(|_| !personal_page);
    let session = cookie(h, SESSION_COOKIE)
        .filter(|_| !personal_page)
        .map(str::to_owned);
    let store = &state.store;
    let mut body = body;
    if let Some(token) = bearer {
        match store.token_actor(&token, &source).await {
            Ok(Some(actor)) => auth.actor = Some(actor),
            Ok(None) => {
                return Problem::new(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "Mã truy cập API không hợp lệ hoặc đã bị thu hồi.",
                    "The API token is invalid or revoked.",
                )
                .into_response();
            }
            Err(e) => return Problem::from(e).into_response(),
        }
    } else if let Some(token) = session {
        match store.session_user(&token).await {
            Ok(Some((user, csrf))) => {
                if unsafe_method {
                    // The token comes in a header (scripts), a query parameter
                    // (file uploads) or the `_csrf` field of a form.
                    let mut presented = h
                        .get("x-csrf-token")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned)
                        .or_else(|| query_field(parts.uri.query().unwrap_or(""), "_csrf"));
                    let is_form = h
                        .get(header::CONTENT_TYPE)
                        .and_then(|v| v.to_str().ok())
                        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
                    let multipart_boundary = h
                        .get(header::CONTENT_TYPE)
                        .and_then(|v| v.to_str().ok())
                        .filter(|v| v.starts_with("multipart/form-data"))
                        .and_then(|v| v.split("boundary=").nth(1))
                        .map(|b| b.trim_matches('"').to_owned());
                    if let (None, Some(boundary)) = (&presented, multipart_boundary) {
                        // A file upload carries the token as its first part
                        // (`_csrf`, before the file), never in its address:
                        // read the body's beginning, then hand on all of it.
                        let (head, rest) = first_bytes(body, 8 * 1024).await;
                        presented = first_part(&head, &boundary, "_csrf");
                        body = Body::from_stream(
                            futures_util::stream::once(async move { Ok::<_, axum::Error>(head) })
                                .chain(rest),
                        );
                    }
                    if presented.is_none() && is_form {
                        let bytes = match axum::body::to_bytes(body, 2 * 1024 * 1024).await {
                            Ok(b) => b,
                            Err(_) => {
                                return Problem::bad_request(
                                    "Biểu mẫu quá lớn.",
                                    "The form is too large.",
                                )
                                .into_response();
                            }
                        };
                        presented = query_field(&String::from_utf8_lossy(&bytes), "_csrf");
                        body = Body::from(bytes);
                    }
                    if presented.as_deref() != Some(csrf.as_str()) {
                        return forbidden(
                            "Phiên làm việc không khớp (mã chống giả mạo yêu cầu); hãy tải lại trang và thử lại.",
                            "The request's anti-forgery token does not match your session; reload the page and try again.",
                        );
                    }
                }
                auth.actor = Some(user.actor(&source));
                auth.user = Some(user);
                auth.session_token = Some(token);
                auth.csrf = Some(csrf);
            }
            Ok(None) => {}
            Err(e) => return Problem::from(e).into_response(),
        }
    }
    parts.extensions.insert(auth);
    next.run(Request::from_parts(parts, body)).await
}

/// The first `limit` bytes of a body (or all of it, if shorter), and the
/// rest of its stream.
async fn first_bytes(body: Body, limit: usize) -> (axum::body::Bytes, axum::body::BodyDataStream) {
    let mut stream = body.into_data_stream();
    let mut head = Vec::new();
    while head.len() < limit {
        match stream.next().await {
            Some(Ok(chunk)) => head.extend_from_slice(&chunk),
            _ => break,
        }
    }
    (axum::body::Bytes::from(head), stream)
}

/// The value of the first part of a multipart body when it is the field
/// `name` (a short text field).
fn first_part(head: &[u8], boundary: &str, name: &str) -> Option<String> {
    let text = std::str::from_utf8(head.get(..head.len().min(4096))?)
        .ok()
        .or_else(|| {
            // The cut may fall inside a character of the file after the field.
            let valid = std::str::from_utf8(head).err()?.valid_up_to();
            std::str::from_utf8(&head[..valid]).ok()
        })?;
    let after = text.strip_prefix(&format!("--{boundary}\r\n"))?;
    let (headers, rest) = after.split_once("\r\n\r\n")?;
    let disposition = headers
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))?;
    if !disposition.contains(&format!("name=\"{name}\"")) {
        return None;
    }
    let (value, _) = rest.split_once(&format!("\r\n--{boundary}"))?;
    Some(value.to_owned())
}

/// One field of an `application/x-www-form-urlencoded` string.
pub(crate) fn query_field(s: &str, name: &str) -> Option<String> {
    form_urlencoded_pairs(s)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn form_urlencoded_pairs(s: &str) -> impl Iterator<Item = (String, String)> + '_ {
    s.split('&').filter(|p| !p.is_empty()).map(|p| {
        let (k, v) = p.split_once('=').unwrap_or((p, ""));
        (decode(k), decode(v))
    })
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(
                    std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                    16,
                ) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The caller of a JSON API route: 401 without credentials.
pub(crate) struct Caller(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Problem> {
        parts
            .extensions
            .get::<Auth>()
            .and_then(|a| a.actor.clone())
            .map(Caller)
            .ok_or_else(|| {
                Problem::new(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "Cần đăng nhập hoặc mã truy cập API (Authorization: Bearer …).",
                    "Log in or send an API token (Authorization: Bearer …).",
                )
            })
    }
}
