import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connectBackend } from './api/client';
import '@xyflow/react/dist/style.css';
import './styles.css';

const api = connectBackend();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App api={api} />
  </StrictMode>,
);
