//! Markdown as safe HTML: rendered by pulldown-cmark, then cleaned by ammonia, so an
//! article can format text, lists, tables, code and links but never run a script,
//! carry an event handler or a style, or link to anything but http(s) and mail.

use pulldown_cmark::{Options, Parser, html};

pub(crate) fn to_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, Parser::new_ext(markdown, options));
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into())
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&raw)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formatting_survives_and_scripts_do_not() {
        let html =
            to_html("## Fix\n\n1. Restart the **client**\n2. `ipconfig /flushdns`\n\n<script>alert(1)</script>[x](javascript:alert(1))");
        assert!(
            html.contains("<h2>Fix</h2>") && html.contains("<strong>client</strong>") && html.contains("<code>ipconfig /flushdns</code>")
        );
        assert!(!html.contains("<script") && !html.contains("href=\"javascript:"), "{html}");
        let html = to_html("<img src=x onerror=alert(1)> <p style=\"color:red\">red</p> [ok](https://example.com)");
        assert!(!html.contains("onerror") && !html.contains("style="), "{html}");
        assert!(html.contains(r#"<a href="https://example.com" rel="noopener noreferrer nofollow">ok</a>"#), "{html}");
    }

    /// The tags of cleaned HTML (text never holds a raw `<`: it comes out as `&lt;`),
    /// each as its name and its attributes (name, value).
    fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
        html.split('<')
            .skip(1)
            .map(|t| {
                let t = t.split('>').next().unwrap_or_default();
                let (name, mut rest) = t.split_once(' ').unwrap_or((t, ""));
                let mut attrs = Vec::new();
                while let Some((key, after)) = rest.trim_start().split_once('=') {
                    let after = after.trim_start();
                    let (value, tail) = match after.strip_prefix('"') {
                        Some(v) => v.split_once('"').unwrap_or((v, "")),
                        None => after.split_once(' ').unwrap_or((after, "")),
                    };
                    attrs.push((key.trim().to_string(), value.to_string()));
                    rest = tail;
                }
                (name.to_string(), attrs)
            })
            .collect()
    }

    proptest! {
        #[test]
        fn no_input_yields_a_script_or_handler(s in "(<|>|script|onload=|onerror=|javascript:|style=|\\[|\\]|\\(|\\)|\"|'| |a|\n|`|\\*|#){0,60}") {
            let html = to_html(&s).to_lowercase();
            for (name, attrs) in tags(&html) {
                prop_assert!(name != "script" && name != "style", "{}", html);
                for (key, value) in attrs {
                    prop_assert!(!key.starts_with("on") && key != "style", "attribute {} in {}", key, html);
                    prop_assert!(!value.trim_start().starts_with("javascript:"), "{} in {}", value, html);
                }
            }
        }
    }
}
