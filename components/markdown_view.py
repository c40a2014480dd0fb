"""Safe Markdown for chat messages.

react-markdown without rehype-raw: raw HTML in a message is shown as text, never executed. Math
plugins are off (dollar amounts stay text, and parsing stays cheap). Code blocks get a Copy button
(`rx.set_clipboard` runs as a client-side function, no eval, so it works under the strict CSP).

Images: a reply can embed `![alt](url)`, and a browser that loads it tells that URL's owner who read
the conversation, when, and whatever the URL carries (a prompt-injected model can put conversation
text into it). A small rehype plugin runs on the HTML tree before React creates any element and turns
every `<img>` whose `src` does not match `image_pattern` into a span with its alt text, so the browser
never requests it. The pattern is `backend.images.image_url_pattern(SKOPX_IMAGE_DOMAINS)`, the one
rule for allowed images; the page passes it in (components don't read settings).
"""

from __future__ import annotations

import reflex as rx

CODE_BG = "#0f172a"

_IMAGE_FILTER = rx.Var(
    _js_expr="""((options) => (tree) => {
  const allowed = new RegExp(options.pattern);
  const visit = (node) => {
    (node.children || []).forEach((child, index) => {
      if (child.type !== "element") return;
      if (child.tagName !== "img") { visit(child); return; }
      if (allowed.test(String(child.properties.src ?? ""))) {
        child.properties.referrerPolicy = "no-referrer";
        return;
      }
      const alt = String(child.properties.alt ?? "").trim();
      node.children[index] = {
        type: "element",
        tagName: "span",
        properties: {className: ["skopx-image-blocked"], title: "Images are shown only from approved addresses"},
        children: [{type: "text", value: alt ? "Image not shown: " + alt : "Image not shown"}],
      };
    });
  };
  visit(tree);
})"""
)


def code_block(value: rx.Var, **props) -> rx.Component:
    language = props.get("language", "")
    return rx.box(
        rx.hstack(
            rx.text(rx.cond(language, language, "code"), size="1", color="#94a3b8", font_family="monospace"),
            rx.spacer(),
            rx.button(
                rx.icon("copy", size=13),
                "Copy",
                size="1",
                variant="ghost",
                color_scheme="gray",
                color="#cbd5e1",
                on_click=[
                    rx.set_clipboard(value),
                    rx.toast.success("Copied to the clipboard", duration=1500),
                ],
                aria_label="Copy code",
                class_name="skopx-copy-code",
            ),
            align="center",
            padding_x="12px",
            padding_y="6px",
            border_bottom="1px solid #1e293b",
        ),
        rx.el.pre(
            rx.el.code(value),
            margin="0",
            padding="12px",
            overflow_x="auto",
            font_size="13px",
            line_height="1.55",
            color="#e2e8f0",
            white_space="pre",
        ),
        background=CODE_BG,
        border_radius="10px",
        margin_y="0.75em",
        overflow="hidden",
        class_name="skopx-code-block",
    )


def inline_code(value: rx.Var, **props) -> rx.Component:
    return rx.code(value, variant="soft", size="2")


COMPONENT_MAP = {"pre": code_block, "code": inline_code}


def markdown_view(text: rx.Var | str, image_pattern: rx.Var | str) -> rx.Component:
    return rx.markdown(
        text,
        use_raw=False,
        use_math=False,
        use_katex=False,
        rehype_plugins=[(_IMAGE_FILTER, {"pattern": image_pattern})],
        component_map=COMPONENT_MAP,
        class_name="skopx-markdown",
    )
