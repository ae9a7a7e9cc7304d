// Progressive enhancement: ask without reloading, keep the conversation, copy, feedback.
// Without this script every form still works through the server.
(function () {
  "use strict";
  const form = document.getElementById("ask");
  const box = document.getElementById("question");
  const conv = document.getElementById("conversation");
  const prev = document.getElementById("previous");

  // The copy button needs this script: it is hidden in the HTML and shown here.
  function reveal(root) {
    root.querySelectorAll("button.copy[hidden]").forEach(function (b) { b.hidden = false; });
  }
  reveal(document);

  // navigator.clipboard exists only on https or localhost; an intranet on plain http needs the fallback.
  async function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return;
    }
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    if (!ok) { throw new Error("copy refused"); }
  }

  async function ask(question) {
    if (!question.trim()) { box.focus(); return; }
    const body = new FormData();
    body.set("question", question);
    body.set("previous", prev ? prev.value : "");
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const resp = await fetch("/fragment/answer", { method: "POST", body: body });
      const html = await resp.text();
      const holder = document.createElement("div");
      holder.innerHTML = html;  // server-rendered and escaped by Jinja2's autoescape
      const card = holder.firstElementChild;
      if (card) {
        reveal(card);
        conv.appendChild(card);
        card.scrollIntoView({ behavior: "smooth", block: "start" });
        if (resp.ok && prev) prev.value = card.dataset.question || question;
      }
      box.value = "";
    } catch (err) {
      const p = document.createElement("p");
      p.className = "card card-error";
      p.textContent = "网络错误，请重试。";
      conv.appendChild(p);
    } finally {
      button.disabled = false;
      box.focus();
    }
  }

  if (form && conv) {
    form.addEventListener("submit", function (e) { e.preventDefault(); ask(box.value); });
    box.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); ask(box.value); }
    });
  }

  document.addEventListener("click", async function (e) {
    const link = e.target.closest("a.ask-link");
    if (link && form) {
      e.preventDefault();
      ask(link.textContent);
      return;
    }
    const copy = e.target.closest("button.copy");
    if (copy) {
      try {
        await copyText(copy.dataset.copy);
        copy.textContent = "已复制";
      } catch (err) {
        copy.textContent = "复制失败";
      }
      return;
    }
    const vote = e.target.closest(".feedback button[name=vote]");
    if (vote) {
      e.preventDefault();
      const fb = vote.closest("form");
      const payload = { answer_id: fb.answer_id.value, vote: vote.value, comment: fb.comment.value || null };
      let ok = false;
      try {
        const resp = await fetch("/api/feedback", {
          method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload),
        });
        ok = resp.ok;
      } catch (err) {
        ok = false;
      }
      if (!ok) {
        let msg = fb.querySelector(".fb-error");
        if (!msg) {
          msg = document.createElement("p");
          msg.className = "fb-error";
          msg.setAttribute("role", "alert");
          fb.appendChild(msg);
        }
        msg.textContent = "反馈没有保存，请稍后再试。";
        return;  // the form stays, so nothing typed is lost
      }
      const done = document.createElement("p");
      done.className = "flash";
      done.setAttribute("role", "status");
      done.textContent = "谢谢您的反馈！";
      fb.replaceWith(done);
    }
  });

  // Enter in a comment box would submit with the first button (👍): make the voter choose.
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target.matches && e.target.matches(".feedback input[name=comment]")) {
      e.preventDefault();
    }
  });

  const mark = document.getElementById("hl");
  if (mark) { mark.scrollIntoView({ block: "center" }); }
})();
