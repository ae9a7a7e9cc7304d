// Progressive enhancement: ask without reloading, keep the conversation (session storage) across
// Back and reload, give each answer its address, copy, feedback, retry.
// Without this script every form still works through the server (POST-redirect-GET).
(function () {
  "use strict";
  const form = document.getElementById("ask");
  const box = document.getElementById("question");
  const conv = document.getElementById("conversation");
  const prev = document.getElementById("previous");
  const newTopic = form ? form.querySelector("a.new-topic") : null;
  const KEY = "guideqa.conversation.v1";
  const KEEP = 30;  // answers kept in session storage
  const BASE_TITLE = "指南问答 GuideQA";
  const askDoc = document.getElementById("ask-doc");

  // The guide picker: with the script a choice applies at once (the address, the header and every
  // later question follow it) and the conversation stays; without it, the 切换 button reloads.
  const picker = document.getElementById("doc");
  if (picker && askDoc) {
    const go = document.getElementById("picker-go");
    if (go) { go.hidden = true; }
    picker.addEventListener("change", function () {
      const doc = picker.value;
      askDoc.value = doc;
      if (prev) { prev.value = ""; }  // a follow-up does not carry over into another guide
      const option = picker.options[picker.selectedIndex];
      const current = document.getElementById("guide-current");
      if (current) { current.textContent = doc ? option.textContent : "所有指南"; }
      document.title = (doc ? option.textContent + " · " : "") + "指南问答 GuideQA";
      const link = document.getElementById("guides-link");
      if (link) { link.href = "/guides" + (doc ? "/" + encodeURIComponent(doc) : ""); }
      const url = new URL(window.location.href);
      url.searchParams.delete("q");
      url.searchParams.delete("previous");
      if (doc) { url.searchParams.set("doc", doc); } else { url.searchParams.delete("doc"); }
      window.history.replaceState(null, "", url.pathname + url.search);
    });
  }

  // The copy buttons need this script: they are hidden in the HTML and shown here.
  function reveal(root) {
    root.querySelectorAll("button.copy[hidden], button.copy-link[hidden]").forEach(function (b) { b.hidden = false; });
  }
  reveal(document);

  function load() {
    try { return JSON.parse(sessionStorage.getItem(KEY) || "null"); } catch (err) { return null; }
  }

  function save() {
    if (!conv) return;
    const items = Array.from(conv.querySelectorAll("article.card[data-url]")).slice(-KEEP).map(function (c) {
      return { id: c.dataset.answerId || "", html: c.outerHTML };
    });
    try {
      sessionStorage.setItem(KEY, JSON.stringify({ items: items, previous: prev ? prev.value : "" }));
    } catch (err) { /* storage full or refused: the page still works, it just will not survive a reload */ }
  }

  function parse(html) {
    const holder = document.createElement("div");
    holder.innerHTML = html;  // server-rendered and escaped by Jinja2's autoescape
    return holder.firstElementChild;
  }

  function follow(card) {
    // The address and title follow the newest answer; the context chip's state drives 新问题.
    if (card.dataset.url) history.replaceState(null, "", card.dataset.url);
    document.title = (card.dataset.asked || "") + " · " + BASE_TITLE;
    if (prev) prev.value = card.dataset.question || "";
    if (newTopic) newTopic.hidden = !(prev && prev.value);
    if (form) form.classList.add("answered");
  }

  // Restore the conversation of this tab: Back from the document view, or a reload, keeps it.
  function restore() {
    if (!conv) return;
    const state = load();
    if (!state || !state.items || !state.items.length) { save(); return; }
    const served = conv.querySelector("article.card[data-url]");
    const refusal = served ? null : conv.querySelector("article.card");  // an error the server rendered
    const servedId = served ? served.dataset.answerId : "";
    const cards = state.items.map(function (it) { return parse(it.html); }).filter(Boolean);
    const known = cards.some(function (c) { return servedId && c.dataset.answerId === servedId; });
    conv.textContent = "";
    cards.forEach(function (c) { conv.appendChild(c); });
    if (served && !known) conv.appendChild(served);  // a shared link opened in this tab joins the list
    if (refusal) conv.appendChild(refusal);
    reveal(conv);
    if (served && !known) {
      follow(served);
    } else if (prev && !served) {
      prev.value = state.previous || "";
      if (newTopic) newTopic.hidden = !prev.value;
    } else if (served) {
      // Voted without the script, or came back to one answer: that card is the one shown.
      const voted = served.querySelector("p.thanks");
      const mine = conv.querySelector('article.card[data-answer-id="' + servedId + '"]');
      if (voted && mine && !mine.querySelector("p.thanks")) mine.replaceWith(served);
      if (prev) prev.value = state.previous || "";
      if (newTopic && prev) newTopic.hidden = !prev.value;
    }
    if (conv.children.length && form) form.classList.add("answered");
    const target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    if (target) target.scrollIntoView({ block: "start" });
    save();
  }
  restore();

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

  function errorCard(message, question, previous) {
    const card = document.createElement("article");
    card.className = "card card-error";
    card.setAttribute("role", "alert");
    const p = document.createElement("p");
    p.textContent = message;
    card.appendChild(p);
    retryButton(card, question, previous);
    return card;
  }

  function retryButton(card, question, previous) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "retry";
    b.textContent = "重试";
    b.dataset.question = question;
    b.dataset.previous = previous;
    card.appendChild(b);
  }

  let busy = false;
  async function ask(question, previous) {
    if (!question.trim()) { box.focus(); return; }
    if (busy) return;
    busy = true;
    if (previous === undefined) previous = prev ? prev.value : "";
    const body = new FormData();
    body.set("question", question);
    body.set("previous", previous);
    body.set("doc", askDoc ? askDoc.value : "");
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    button.textContent = "正在查找…";
    form.setAttribute("aria-busy", "true");
    const wait = document.createElement("article");
    wait.className = "card card-busy";
    wait.setAttribute("aria-busy", "true");
    const wq = document.createElement("p");
    wq.className = "q";
    wq.textContent = question;
    const wt = document.createElement("p");
    wt.textContent = "正在查找…";
    wait.append(wq, wt);
    conv.appendChild(wait);
    wait.scrollIntoView({ block: "nearest" });
    let card = null;
    try {
      const resp = await fetch("/fragment/answer", { method: "POST", body: body });
      const html = await resp.text();
      const got = html.trimStart().startsWith("<article") ? parse(html) : null;
      if (got && resp.ok) {
        card = got;
        reveal(card);
        wait.replaceWith(card);
        follow(card);
        box.value = "";
        save();
      } else if (got) {
        // A refusal the server words (empty question, too fast): the question stays in the box.
        card = got;
        if (resp.status !== 422) retryButton(card, question, previous);
        wait.replaceWith(card);
      } else {
        card = errorCard(resp.status >= 500 ? "服务器出错了，没能回答。您的问题还在输入框里，可以重试。"
          : "没能回答（" + resp.status + "）。您的问题还在输入框里，可以重试。", question, previous);
        wait.replaceWith(card);
      }
    } catch (err) {
      card = errorCard("连不上服务器。您的问题还在输入框里，请检查网络后重试。", question, previous);
      wait.replaceWith(card);
    } finally {
      busy = false;
      button.disabled = false;
      button.textContent = "提问";
      form.removeAttribute("aria-busy");
      if (card) card.scrollIntoView({ behavior: "smooth", block: "start" });
      box.focus();
    }
  }

  if (form && conv) {
    form.addEventListener("submit", function (e) { e.preventDefault(); ask(box.value); });
  }

  document.addEventListener("click", async function (e) {
    const all = e.target.closest("a.ask-all");
    if (all && form) {
      // "✕" on the context chip: the same question, asked of every project.
      e.preventDefault();
      ask(all.dataset.question, "");
      return;
    }
    if (newTopic && e.target.closest("a.new-topic")) {
      e.preventDefault();
      prev.value = "";
      newTopic.hidden = true;
      history.replaceState(null, "", "/");
      document.title = BASE_TITLE;
      save();
      box.focus();
      return;
    }
    const retry = e.target.closest("button.retry");
    if (retry && form) {
      const card = retry.closest("article");
      box.value = retry.dataset.question;
      card.remove();
      ask(retry.dataset.question, retry.dataset.previous);
      return;
    }
    const link = e.target.closest("a.ask-link");
    if (link && form) {
      e.preventDefault();
      ask(link.textContent);
      return;
    }
    const copy = e.target.closest("button.copy, button.copy-link");
    if (copy) {
      const text = copy.classList.contains("copy-link") ? location.origin + copy.dataset.url : copy.dataset.copy;
      const label = copy.textContent;
      try {
        await copyText(text);
        copy.textContent = "已复制";
      } catch (err) {
        copy.textContent = "复制失败";
      }
      setTimeout(function () { copy.textContent = label; }, 2500);
      return;
    }
    const vote = e.target.closest(".feedback button[name=vote]");
    if (vote) {
      e.preventDefault();
      const fb = vote.closest("form");
      const card = fb.closest("article");
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
        vote.focus();
        return;  // the form stays, so nothing typed is lost
      }
      const done = document.createElement("p");
      done.className = "flash thanks";
      done.setAttribute("role", "status");
      done.textContent = "谢谢您的反馈！";
      fb.replaceWith(done);
      card.focus();  // focus stays on the answer voted on, not the top of the page
      save();
    }
  });

  // Enter in a comment box would submit with the first button (👍): make the voter choose.
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target.matches && e.target.matches(".feedback input[name=comment]")) {
      e.preventDefault();
    }
  });

  // Staff rebuild status: poll the JSON until the job ends (without the script, the page's link reloads).
  const job = document.getElementById("job");
  if (job && job.dataset.state === "running") {
    const status = document.getElementById("job-status");
    const bar = document.getElementById("job-progress");
    const poll = async function () {
      let j = null;
      try {
        const resp = await fetch(job.dataset.statusUrl, { headers: { Accept: "application/json" } });
        if (resp.ok) { j = await resp.json(); }
      } catch (err) { j = null; }
      if (j) {
        bar.value = j.percent;
        bar.textContent = j.percent + "%";
        if (j.state === "running") {
          status.textContent = "正在" + j.stage_label + (j.total ? "（" + j.done + "/" + j.total + "）" : "") + "…当前索引照常回答。";
        } else {
          const said = {
            add: ["指南已加入", "，上传的文件仍在待确认列表中"],
            remove: ["指南已移除", "，指南文件已放回"],
            aliases: ["新的别名已生效", "，原来的别名文件已放回，上传的文件仍在待确认列表中"]
          }[j.action] || ["", ""];
          status.textContent = j.state === "done"
            ? "完成：新索引已启用，" + said[0] + "。"
            : "失败：" + j.message + "。指南库已恢复原状" + said[1] + "；当前索引照常回答。";
          job.dataset.state = j.state;
          const refresh = document.getElementById("job-refresh");
          if (refresh) { refresh.hidden = true; }
          return;
        }
      }
      window.setTimeout(poll, 1000);
    };
    window.setTimeout(poll, 500);
  }

  const mark = document.getElementById("hl");
  if (mark) { mark.scrollIntoView({ block: "center" }); }
})();
