import type { DeskConfig, HelpArticle } from './desk.js';

/** Lower case, accents and punctuation removed, so "Réinitialiser le mot-de-passe" matches "mot de passe". */
function normalize(text: string): string {
  return ` ${text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()} `;
}

/**
 * The help-centre articles worth reading before opening a ticket: those of the category (or of every
 * category) whose keywords appear in the subject or description, best matches first. A keyword matches as
 * whole words, ignoring case and accents; a keyword in the subject counts double.
 */
export function suggestArticles(desk: DeskConfig, categoryKey: string | null, subject: string, description: string, max = 3): HelpArticle[] {
  const inSubject = normalize(subject);
  const inDescription = normalize(description);
  const scored: Array<{ article: HelpArticle; score: number; index: number }> = [];
  desk.helpArticles.forEach((article, index) => {
    if (article.categories.length > 0 && (!categoryKey || !article.categories.includes(categoryKey))) return;
    let score = 0;
    for (const keyword of article.keywords) {
      const needle = normalize(keyword);
      if (needle.trim() === '') continue;
      if (inSubject.includes(needle)) score += 2;
      else if (inDescription.includes(needle)) score += 1;
    }
    if (score > 0) scored.push({ article, score, index });
  });
  return scored
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, max)
    .map((s) => s.article);
}
