#!/usr/bin/env bash
# Rebuilds the document fixtures from src/ with real tools. Not run by CI:
# the outputs are committed (each a few kilobytes), so tests need neither
# LibreOffice nor TeX. Needs Debian's libreoffice-writer-nogui,
# texlive-latex-base (pdfTeX), poppler-utils
# and qpdf. The hostile files (zip bombs, disguised executables, files over
# the upload limit) are made by the tests themselves.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# LibreOffice: the same roadmap as .odt, .docx and PDF.
for fmt in odt docx pdf; do
  soffice --headless -env:UserInstallation=file://$work/lo --convert-to "$fmt" --outdir "$work" src/roadmap.fodt >/dev/null
  cp "$work/roadmap.$fmt" "roadmap.$fmt"
done

# pdfTeX: a two-page design review.
(cd "$work" && pdflatex -interaction=nonstopmode "$OLDPWD/src/review.tex" >/dev/null)
cp "$work/review.pdf" review.pdf

# A scan: the review's first page as a picture only, in a PDF without text.
pdftoppm -r 50 -png -f 1 -l 1 review.pdf "$work/page"
cat > "$work/scan.tex" <<TEX
\documentclass{article}\usepackage{graphicx}\pagestyle{empty}
\begin{document}\noindent\includegraphics[width=\textwidth]{$work/page-1.png}\end{document}
TEX
(cd "$work" && pdflatex -interaction=nonstopmode scan.tex >/dev/null)
cp "$work/scan.pdf" scanned.pdf

# Password-protected (a user password is needed to open it).
qpdf --encrypt open-sesame owner-secret 256 -- review.pdf encrypted.pdf

# Damaged: the second half of each file cut off, as by a broken download.
head -c $(( $(stat -c %s review.pdf) / 2 )) review.pdf > damaged.pdf
head -c $(( $(stat -c %s roadmap.docx) / 2 )) roadmap.docx > damaged.docx
ls -l *.pdf *.docx *.odt
